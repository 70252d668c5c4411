/// One leaderboard's ordering: every member's total and the visible members sorted best
/// first.
///
/// Order: value descending, then name ascending, then user id ascending — total and
/// deterministic, so two servers (or a rebuild) rank ties identically.
///
/// ### Structure and cost
/// A ``BoardMembers`` table (names, ids, the look-ups to each member's *slot*) and a
/// ``RankTree`` over it: an order-statistics treap whose nodes hold only plain values, in a
/// flat array indexed by slot. A ``BoardPair`` keeps one members table for its two rankings
/// and hands out views of this type, so reading a ranking (top rows, own ranks) is the same
/// code either way.
/// - score change: O(log n) expected — the member's slot from its ordinal
///   (``add(ordinal:userId:name:deltaMs:visible:)``, an integer-keyed table), then one
///   removal and one insertion in the tree. The sorted array this replaces shifted every
///   row between the old and the new place (O(n) worst case, 22 % of the server's CPU
///   during a 18k-user ramp);
/// - own rank: O(log n); top k: O(k + log n).
/// A published event does not keep the index but an ``OwnRankTable`` made from it
/// (``ownRankTable()``, O(n) once per published board per second at most), so the owner's
/// next update copies nothing.
public struct RankIndex: Sendable {
    /// One visible row.
    public struct Entry: Hashable, Sendable {
        public var valueMs: Int64
        public var name: String
        public var userId: String

        public init(valueMs: Int64, name: String, userId: String) {
            self.valueMs = valueMs
            self.name = name
            self.userId = userId
        }

        /// True when `self` ranks strictly ahead of `other`.
        @inlinable public func precedes(_ other: Entry) -> Bool {
            if valueMs != other.valueMs { return valueMs > other.valueMs }
            if name != other.name { return name < other.name }
            return userId < other.userId
        }
    }

    typealias Slot = BoardMembers.Slot

    private(set) var members: BoardMembers
    private(set) var tree: RankTree

    public init() {
        self.init(members: BoardMembers(), tree: RankTree())
    }

    /// A view of one ranking of a shared members table (``BoardPair``).
    init(members: BoardMembers, tree: RankTree) {
        self.members = members
        self.tree = tree
    }

    /// Number of members, visible or not.
    public var memberCount: Int { tree.memberCount }

    /// Visible members, best first (O(n); tests and diagnostics).
    public var entries: [Entry] { tree.collect(limit: Int.max, members: members) }

    /// The first `count` visible rows (rank = offset + 1).
    public func top(_ count: Int) -> ArraySlice<Entry> { tree.collect(limit: max(0, count), members: members)[...] }

    /// A member's current total, or `nil` if the user is not on this board.
    public func value(of userId: String) -> Int64? { members.slot(of: userId).flatMap { tree.value(at: $0) } }

    /// Sets a member's total, name and visibility (inserting the member if new).
    public mutating func set(userId: String, name: String, valueMs: Int64, visible: Bool) {
        let slot = memberSlot(userId: userId, name: name)
        tree.set(slot, valueMs: valueMs, visible: visible, members: members)
    }

    /// Adds `deltaMs` to a member's total (a new member starts at 0). Returns the new total.
    @discardableResult
    public mutating func add(userId: String, name: String, deltaMs: Int64, visible: Bool) -> Int64 {
        let slot = memberSlot(userId: userId, name: name)
        return tree.add(slot, deltaMs: deltaMs, visible: visible, members: members)
    }

    /// The score path: like ``add(userId:name:deltaMs:visible:)``, but the member is found
    /// by `ordinal`, a number the caller gives each user once (the leaderboard book's), so
    /// an update hashes one integer and touches no `String`. `userId` and `name` are read
    /// only when this board does not know the ordinal yet; a rename goes through
    /// ``set(userId:name:valueMs:visible:)`` (the book renames on every board it holds).
    @discardableResult
    public mutating func add(ordinal: UInt32, userId: String, name: String, deltaMs: Int64, visible: Bool) -> Int64 {
        if let slot = members.slot(ofOrdinal: ordinal) {
            return tree.add(slot, deltaMs: deltaMs, visible: visible, members: members)
        }
        let slot = memberSlot(userId: userId, name: name)
        members.record(ordinal: ordinal, for: slot)
        return tree.add(slot, deltaMs: deltaMs, visible: visible, members: members)
    }

    /// Bulk loading (start-up rebuild): adds to a member's total without keeping the rows
    /// sorted. Call ``sortRows()`` before any other use of the index.
    public mutating func addUnsorted(userId: String, name: String, deltaMs: Int64, visible: Bool) {
        let slot = members.slot(of: userId) ?? members.insert(userId: userId, name: name)
        if members.names[Int(slot)] != name { members.setName(name, of: slot) }
        tree.addUnsorted(slot, deltaMs: deltaMs, visible: visible)
    }

    /// Rebuilds the tree from the member table (after bulk loading).
    public mutating func sortRows() {
        tree.sortRows(members: members)
    }

    /// Changes only visibility (privacy); no-op for a user not on this board.
    public mutating func setVisible(_ visible: Bool, userId: String) {
        guard let slot = members.slot(of: userId) else { return }
        tree.setVisible(visible, slot, members: members)
    }

    /// Removes a member entirely (purge, team leave). Returns whether it was present.
    @discardableResult
    public mutating func remove(userId: String) -> Bool {
        guard let slot = members.slot(of: userId) else { return false }
        let present = tree.remove(slot, members: members)
        members.remove(slot)
        return present
    }

    /// The user's own rank (see ``OwnRank`` for opted-out users), or `nil` if not a member.
    public func ownRank(of userId: String) -> OwnRank? {
        members.slot(of: userId).flatMap { tree.ownRank($0, members: members) }
    }

    /// Every member's own rank as of now, for a published event.
    public func ownRankTable() -> OwnRankTable { tree.ownRankTable(members: members) }

    /// The member's slot, inserting it or applying a new name (unlinked while it changes).
    private mutating func memberSlot(userId: String, name: String) -> Slot {
        guard let slot = members.slot(of: userId) else { return members.insert(userId: userId, name: name) }
        if members.names[Int(slot)] != name {
            let linked = tree.detach(slot, members: members)
            members.setName(name, of: slot)
            if linked { tree.relink(slot, members: members) }
        }
        return slot
    }
}
