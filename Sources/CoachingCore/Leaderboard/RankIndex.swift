/// One leaderboard's ordering: every member's total and the visible members sorted best
/// first.
///
/// Order: value descending, then name ascending, then user id ascending — total and
/// deterministic, so two servers (or a rebuild) rank ties identically.
///
/// ### Structure and cost
/// An order-statistics tree: a treap over the visible members whose nodes carry their
/// subtree's size, kept in flat arrays indexed by a per-index *slot* (the member's ordinal
/// on this board). A node holds only plain values — the total, the first 8 bytes of an
/// ASCII name as an integer, links, subtree size — so comparing two members on the
/// update path reads no `String` and retains nothing; names and user ids are read only to
/// break a tie the integers cannot (equal totals and equal 8-byte name prefixes, or a
/// non-ASCII name) and to print rows.
/// - score change: O(log n) expected — the member's slot from its ordinal
///   (``add(ordinal:userId:name:deltaMs:visible:)``, an integer-keyed table), then one
///   removal and one insertion in the tree. The sorted array this replaces shifted every
///   row between the old and the new place (O(n) worst case, 22 % of the server's CPU
///   during a 18k-user ramp);
/// - own rank: O(log n) (a descent counting the left subtrees it passes);
/// - top k: O(k + log n).
/// Priorities are a hash of the slot, computed when needed rather than stored (a node is 32
/// bytes), so the same inputs build the same tree. A published event does not keep the index
/// but an ``OwnRankTable`` made from it (``ownRankTable()``, O(n) once per published board
/// per second at most), so the owner's next update copies nothing.
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

    /// A member's place in the arrays below (its ordinal on this board); stable while the
    /// member stays, reused after a removal.
    typealias Slot = Int32
    static let noSlot: Slot = -1
    /// "No caller ordinal recorded for this slot".
    static let noOrdinal = UInt32.max

    /// What the tree reads of a member: plain values only.
    struct Node {
        var valueMs: Int64
        /// The name's first 8 UTF-8 bytes, big-endian, zero-padded; ordering only when
        /// `asciiName` (for ASCII, byte order is the order of `String`'s `<`).
        var namePrefix: UInt64
        var left: Slot = RankIndex.noSlot
        var right: Slot = RankIndex.noSlot
        /// Nodes in this subtree (1 for a leaf); meaningful only while linked.
        var size: Int32 = 1
        var visible: Bool
        var asciiName: Bool
        var inUse = true
    }

    private var nodes: [Node] = []
    private var names: [String] = []
    private var userIds: [String] = []
    /// The caller's ordinal of each slot (``noOrdinal`` when it never gave one).
    private var ordinals: [UInt32] = []
    private var slotByUserId: [String: Slot] = [:]
    private var slotByOrdinal: [UInt32: Slot] = [:]
    private var freeSlots: [Slot] = []
    private var root: Slot = RankIndex.noSlot

    public init() {}

    /// Number of members, visible or not.
    public var memberCount: Int { slotByUserId.count }

    /// Visible members, best first (O(n); tests and diagnostics).
    public var entries: [Entry] { collect(limit: Int.max) }

    /// The first `count` visible rows (rank = offset + 1).
    public func top(_ count: Int) -> ArraySlice<Entry> { collect(limit: max(0, count))[...] }

    /// A member's current total, or `nil` if the user is not on this board.
    public func value(of userId: String) -> Int64? { slotByUserId[userId].map { nodes[Int($0)].valueMs } }

    /// Sets a member's total, name and visibility (inserting the member if new).
    public mutating func set(userId: String, name: String, valueMs: Int64, visible: Bool) {
        guard let slot = slotByUserId[userId] else {
            let slot = allocate(userId: userId, name: name, valueMs: valueMs, visible: visible)
            if visible { link(slot) }
            return
        }
        if nodes[Int(slot)].visible { unlink(slot) }
        nodes[Int(slot)].valueMs = valueMs
        if names[Int(slot)] != name { setName(name, of: slot) }
        nodes[Int(slot)].visible = visible
        if visible { link(slot) }
    }

    /// Adds `deltaMs` to a member's total (a new member starts at 0). Returns the new total.
    @discardableResult
    public mutating func add(userId: String, name: String, deltaMs: Int64, visible: Bool) -> Int64 {
        let value = Self.total(value(of: userId) ?? 0, plus: deltaMs)
        set(userId: userId, name: name, valueMs: value, visible: visible)
        return value
    }

    /// The score path: like ``add(userId:name:deltaMs:visible:)``, but the member is found
    /// by `ordinal`, a number the caller gives each user once (the leaderboard book's), so
    /// an update hashes one integer and touches no `String`. `userId` and `name` are read
    /// only when this board does not know the ordinal yet; a rename goes through
    /// ``set(userId:name:valueMs:visible:)`` (the book renames on every board it holds).
    @discardableResult
    public mutating func add(ordinal: UInt32, userId: String, name: String, deltaMs: Int64, visible: Bool) -> Int64 {
        guard ordinal != Self.noOrdinal, let slot = slotByOrdinal[ordinal] else {
            return addFirstTime(ordinal: ordinal, userId: userId, name: name, deltaMs: deltaMs, visible: visible)
        }
        let value = Self.total(nodes[Int(slot)].valueMs, plus: deltaMs)
        let wasVisible = nodes[Int(slot)].visible
        if wasVisible && value == nodes[Int(slot)].valueMs && visible { return value }
        if wasVisible { unlink(slot) }
        nodes[Int(slot)].valueMs = value
        nodes[Int(slot)].visible = visible
        if visible { link(slot) }
        return value
    }

    /// Bulk loading (start-up rebuild): adds to a member's total without keeping the rows
    /// sorted. Call ``sortRows()`` before any other use of the index.
    public mutating func addUnsorted(userId: String, name: String, deltaMs: Int64, visible: Bool) {
        guard let slot = slotByUserId[userId] else {
            _ = allocate(userId: userId, name: name, valueMs: Self.total(0, plus: deltaMs), visible: visible)
            return
        }
        nodes[Int(slot)].valueMs = Self.total(nodes[Int(slot)].valueMs, plus: deltaMs)
        if names[Int(slot)] != name { setName(name, of: slot) }
        nodes[Int(slot)].visible = visible
    }

    /// Rebuilds the tree from the member table: one O(n log n) sort, then an O(n) build
    /// (after bulk loading).
    public mutating func sortRows() {
        var visible: [Slot] = []
        visible.reserveCapacity(slotByUserId.count)
        for slot in nodes.indices where nodes[slot].inUse && nodes[slot].visible { visible.append(Slot(slot)) }
        visible.sort { precedes($0, $1) }
        // A treap from sorted keys: a Cartesian tree on the priorities (one stack pass).
        var stack: [Slot] = []
        for slot in visible {
            var last = Self.noSlot
            while let top = stack.last, Self.priority(top) < Self.priority(slot) {
                last = stack.removeLast()
            }
            nodes[Int(slot)].left = last
            nodes[Int(slot)].right = Self.noSlot
            if let top = stack.last { nodes[Int(top)].right = slot }
            stack.append(slot)
        }
        root = stack.first ?? Self.noSlot
        _ = recount(root)
    }

    /// Changes only visibility (privacy); no-op for a user not on this board.
    public mutating func setVisible(_ visible: Bool, userId: String) {
        guard let slot = slotByUserId[userId], nodes[Int(slot)].visible != visible else { return }
        if visible { nodes[Int(slot)].visible = true; link(slot) } else { unlink(slot); nodes[Int(slot)].visible = false }
    }

    /// Removes a member entirely (purge, team leave). Returns whether it was present.
    @discardableResult
    public mutating func remove(userId: String) -> Bool {
        guard let slot = slotByUserId.removeValue(forKey: userId) else { return false }
        if nodes[Int(slot)].visible { unlink(slot) }
        if ordinals[Int(slot)] != Self.noOrdinal { slotByOrdinal[ordinals[Int(slot)]] = nil }
        nodes[Int(slot)].inUse = false
        names[Int(slot)] = ""
        userIds[Int(slot)] = ""
        ordinals[Int(slot)] = Self.noOrdinal
        freeSlots.append(slot)
        return true
    }

    /// The user's own rank (see ``OwnRank`` for opted-out users), or `nil` if not a member.
    public func ownRank(of userId: String) -> OwnRank? {
        guard let slot = slotByUserId[userId] else { return nil }
        let node = nodes[Int(slot)]
        return OwnRank(rank: countPreceding(slot) + 1, valueMs: node.valueMs, visible: node.visible)
    }

    /// Every member's own rank as of now, for a published event (O(n): one in-order walk of
    /// the visible members, then a descent for each hidden one).
    public func ownRankTable() -> OwnRankTable {
        var places = [UInt32](repeating: 0, count: nodes.count)
        var values = [Int64](repeating: 0, count: nodes.count)
        var rank: UInt32 = 0
        var stack: [Slot] = []
        stack.reserveCapacity(64)
        var node = root
        while node != Self.noSlot || !stack.isEmpty {
            while node != Self.noSlot {
                stack.append(node)
                node = nodes[Int(node)].left
            }
            guard let next = stack.popLast() else { break }
            rank += 1
            places[Int(next)] = rank << 1 | 1
            node = nodes[Int(next)].right
        }
        for slot in nodes.indices where nodes[slot].inUse {
            values[slot] = nodes[slot].valueMs
            if !nodes[slot].visible { places[slot] = UInt32(countPreceding(Slot(slot)) + 1) << 1 }
        }
        return OwnRankTable(slotByUserId: slotByUserId, places: places, values: values)
    }

    // MARK: Members

    /// Saturating, never below zero.
    private static func total(_ value: Int64, plus delta: Int64) -> Int64 {
        let total = value.addingReportingOverflow(delta)
        return total.overflow ? Int64.max : max(0, total.partialValue)
    }

    /// First use of `ordinal` on this board: the member may be here already under its user
    /// id (added through the `String` API, or under an older ordinal).
    private mutating func addFirstTime(ordinal: UInt32, userId: String, name: String, deltaMs: Int64, visible: Bool) -> Int64 {
        let value = add(userId: userId, name: name, deltaMs: deltaMs, visible: visible)
        if ordinal != Self.noOrdinal, let slot = slotByUserId[userId] {
            let previous = ordinals[Int(slot)]
            if previous != Self.noOrdinal { slotByOrdinal[previous] = nil }
            ordinals[Int(slot)] = ordinal
            slotByOrdinal[ordinal] = slot
        }
        return value
    }

    private mutating func allocate(userId: String, name: String, valueMs: Int64, visible: Bool) -> Slot {
        let (prefix, ascii) = Self.nameKey(name)
        let slot: Slot
        if let free = freeSlots.popLast() {
            slot = free
            nodes[Int(slot)] = Node(valueMs: valueMs, namePrefix: prefix, visible: visible, asciiName: ascii)
            names[Int(slot)] = name
            userIds[Int(slot)] = userId
        } else {
            slot = Slot(nodes.count)
            nodes.append(Node(valueMs: valueMs, namePrefix: prefix, visible: visible, asciiName: ascii))
            names.append(name)
            userIds.append(userId)
            ordinals.append(Self.noOrdinal)
        }
        slotByUserId[userId] = slot
        return slot
    }

    /// Call only while the slot is unlinked (its order key changes).
    private mutating func setName(_ name: String, of slot: Slot) {
        let (prefix, ascii) = Self.nameKey(name)
        names[Int(slot)] = name
        nodes[Int(slot)].namePrefix = prefix
        nodes[Int(slot)].asciiName = ascii
    }

    private static func nameKey(_ name: String) -> (prefix: UInt64, ascii: Bool) {
        var prefix: UInt64 = 0
        var count = 0
        var ascii = true
        for byte in name.utf8 {
            if byte >= 0x80 { ascii = false }
            if count < 8 { prefix |= UInt64(byte) << (56 - 8 * count) }
            count += 1
        }
        return (prefix, ascii)
    }

    /// A fixed hash of the slot (murmur3's finaliser): the same inputs build the same tree.
    private static func priority(_ slot: Slot) -> UInt32 {
        var x = UInt32(bitPattern: slot) &+ 0x9E37_79B9
        x ^= x >> 16
        x &*= 0x85EB_CA6B
        x ^= x >> 13
        x &*= 0xC2B2_AE35
        x ^= x >> 16
        return x
    }

    // MARK: Order

    /// True when member `a` ranks strictly ahead of member `b` (``Entry/precedes(_:)``).
    private func precedes(_ a: Slot, _ b: Slot) -> Bool {
        let x = nodes[Int(a)], y = nodes[Int(b)]
        if x.valueMs != y.valueMs { return x.valueMs > y.valueMs }
        if x.asciiName && y.asciiName && x.namePrefix != y.namePrefix { return x.namePrefix < y.namePrefix }
        return tieBreak(a, b)
    }

    /// Equal totals and names the prefixes cannot order: compare the strings.
    @inline(never)
    private func tieBreak(_ a: Slot, _ b: Slot) -> Bool {
        let nameA = names[Int(a)], nameB = names[Int(b)]
        if nameA != nameB { return nameA < nameB }
        return userIds[Int(a)] < userIds[Int(b)]
    }

    /// Visible members ranked ahead of member `slot` (linked or not).
    private func countPreceding(_ slot: Slot) -> Int {
        var count = 0
        var node = root
        while node != Self.noSlot {
            if node != slot && precedes(node, slot) {
                count += Int(size(nodes[Int(node)].left)) + 1
                node = nodes[Int(node)].right
            } else {
                node = nodes[Int(node)].left
            }
        }
        return count
    }

    /// In-order rows, at most `limit`.
    private func collect(limit: Int) -> [Entry] {
        var rows: [Entry] = []
        rows.reserveCapacity(min(limit, Int(size(root))))
        var stack: [Slot] = []
        var node = root
        while rows.count < limit && (node != Self.noSlot || !stack.isEmpty) {
            while node != Self.noSlot {
                stack.append(node)
                node = nodes[Int(node)].left
            }
            guard let next = stack.popLast() else { break }
            rows.append(Entry(valueMs: nodes[Int(next)].valueMs, name: names[Int(next)], userId: userIds[Int(next)]))
            node = nodes[Int(next)].right
        }
        return rows
    }

    // MARK: Treap

    private func size(_ slot: Slot) -> Int32 { slot == Self.noSlot ? 0 : nodes[Int(slot)].size }

    private mutating func resize(_ slot: Slot) {
        nodes[Int(slot)].size = size(nodes[Int(slot)].left) + size(nodes[Int(slot)].right) + 1
    }

    /// Sizes of a freshly built subtree.
    private mutating func recount(_ slot: Slot) -> Int32 {
        guard slot != Self.noSlot else { return 0 }
        let total = recount(nodes[Int(slot)].left) + recount(nodes[Int(slot)].right) + 1
        nodes[Int(slot)].size = total
        return total
    }

    /// Puts an unlinked member into the tree at its place.
    private mutating func link(_ slot: Slot) {
        nodes[Int(slot)].left = Self.noSlot
        nodes[Int(slot)].right = Self.noSlot
        nodes[Int(slot)].size = 1
        let (before, after) = split(root, before: slot)
        root = merge(merge(before, slot), after)
    }

    /// Takes a linked member out of the tree (its order key must be the one it was linked with).
    private mutating func unlink(_ slot: Slot) {
        root = remove(slot, from: root)
    }

    /// Splits `tree` into the members that rank ahead of `pivot` and the rest.
    private mutating func split(_ tree: Slot, before pivot: Slot) -> (Slot, Slot) {
        guard tree != Self.noSlot else { return (Self.noSlot, Self.noSlot) }
        if precedes(tree, pivot) {
            let (left, right) = split(nodes[Int(tree)].right, before: pivot)
            nodes[Int(tree)].right = left
            resize(tree)
            return (tree, right)
        }
        let (left, right) = split(nodes[Int(tree)].left, before: pivot)
        nodes[Int(tree)].left = right
        resize(tree)
        return (left, tree)
    }

    /// Joins two trees where every member of `first` ranks ahead of every member of `second`.
    private mutating func merge(_ first: Slot, _ second: Slot) -> Slot {
        if first == Self.noSlot { return second }
        if second == Self.noSlot { return first }
        if Self.priority(first) > Self.priority(second) {
            nodes[Int(first)].right = merge(nodes[Int(first)].right, second)
            resize(first)
            return first
        }
        nodes[Int(second)].left = merge(first, nodes[Int(second)].left)
        resize(second)
        return second
    }

    private mutating func remove(_ slot: Slot, from tree: Slot) -> Slot {
        precondition(tree != Self.noSlot, "RankIndex: member table and tree disagree")
        if tree == slot { return merge(nodes[Int(tree)].left, nodes[Int(tree)].right) }
        if precedes(slot, tree) {
            nodes[Int(tree)].left = remove(slot, from: nodes[Int(tree)].left)
        } else {
            nodes[Int(tree)].right = remove(slot, from: nodes[Int(tree)].right)
        }
        nodes[Int(tree)].size -= 1
        return tree
    }
}
