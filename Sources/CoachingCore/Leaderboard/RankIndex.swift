/// One leaderboard's ordering: every member's total and the visible members sorted best
/// first.
///
/// Order: value descending, then name ascending, then user id ascending — total and
/// deterministic, so two servers (or a rebuild) rank ties identically.
///
/// ### Structure and cost
/// A sorted array of visible entries plus a dictionary `userId → member`. Chosen over a
/// tree because reads dominate (top 50 once a second, own-rank lookups on every publish)
/// and because a score update moves an entry only a short way:
/// - update: O(1) dictionary + O(log n) binary search + O(d) shift, where d is the number
///   of places the user moves (worst case O(n) memmove of 40-byte entries: ~4 MB at 100k
///   users, well under a millisecond; typical d is small because deltas are small);
/// - top k: O(k) slice; own rank: O(1) + O(log n).
/// It is a value type: a published ``LeaderboardSnapshot`` keeps a copy that shares
/// storage until the owner's next update (copy-on-write: one O(n) copy per published
/// board per second at most).
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

    /// What the index knows of a member, visible or not.
    public struct Member: Sendable {
        var valueMs: Int64
        var name: String
        var visible: Bool
    }

    /// Visible members, best first.
    public private(set) var entries: [Entry] = []
    private var members: [String: Member] = [:]

    public init() {}

    /// Number of members, visible or not.
    public var memberCount: Int { members.count }

    /// The first `count` visible rows (rank = offset + 1).
    public func top(_ count: Int) -> ArraySlice<Entry> { entries.prefix(count) }

    /// A member's current total, or `nil` if the user is not on this board.
    public func value(of userId: String) -> Int64? { members[userId]?.valueMs }

    /// Sets a member's total, name and visibility (inserting the member if new).
    public mutating func set(userId: String, name: String, valueMs: Int64, visible: Bool) {
        let new = Entry(valueMs: valueMs, name: name, userId: userId)
        let old = members.updateValue(Member(valueMs: valueMs, name: name, visible: visible), forKey: userId)
        switch (old.map { $0.visible ? Entry(valueMs: $0.valueMs, name: $0.name, userId: userId) : nil }, visible) {
        case (.some(.some(let previous)), true):
            move(from: position(of: previous), to: new)
        case (.some(.some(let previous)), false):
            entries.remove(at: position(of: previous))
        case (.some(.none), true), (.none, true):
            entries.insert(new, at: lowerBound(new, in: 0..<entries.count))
        case (.some(.none), false), (.none, false):
            break
        }
    }

    /// Adds `deltaMs` to a member's total (a new member starts at 0). Returns the new total.
    @discardableResult
    public mutating func add(userId: String, name: String, deltaMs: Int64, visible: Bool) -> Int64 {
        let total = (members[userId]?.valueMs ?? 0).addingReportingOverflow(deltaMs)
        let value = total.overflow ? Int64.max : max(0, total.partialValue)
        set(userId: userId, name: name, valueMs: value, visible: visible)
        return value
    }

    /// Bulk loading (start-up rebuild): adds to a member's total without keeping the rows
    /// sorted — O(1) instead of an insertion into the middle of the array. Call
    /// ``sortRows()`` before any other use of the index.
    public mutating func addUnsorted(userId: String, name: String, deltaMs: Int64, visible: Bool) {
        let total = (members[userId]?.valueMs ?? 0).addingReportingOverflow(deltaMs)
        let value = total.overflow ? Int64.max : max(0, total.partialValue)
        members[userId] = Member(valueMs: value, name: name, visible: visible)
    }

    /// Rebuilds the rows from the member table in one O(n log n) sort (after bulk loading).
    public mutating func sortRows() {
        entries = members.compactMap { userId, member in
            member.visible ? Entry(valueMs: member.valueMs, name: member.name, userId: userId) : nil
        }
        entries.sort { $0.precedes($1) }
    }

    /// Changes only visibility (privacy); no-op for a user not on this board.
    public mutating func setVisible(_ visible: Bool, userId: String) {
        guard let member = members[userId], member.visible != visible else { return }
        set(userId: userId, name: member.name, valueMs: member.valueMs, visible: visible)
    }

    /// Removes a member entirely (purge, team leave). Returns whether it was present.
    @discardableResult
    public mutating func remove(userId: String) -> Bool {
        guard let member = members.removeValue(forKey: userId) else { return false }
        if member.visible {
            entries.remove(at: position(of: Entry(valueMs: member.valueMs, name: member.name, userId: userId)))
        }
        return true
    }

    /// The user's own rank (see ``OwnRank`` for opted-out users), or `nil` if not a member.
    public func ownRank(of userId: String) -> OwnRank? {
        guard let member = members[userId] else { return nil }
        let probe = Entry(valueMs: member.valueMs, name: member.name, userId: userId)
        return OwnRank(rank: lowerBound(probe, in: 0..<entries.count) + 1, valueMs: member.valueMs, visible: member.visible)
    }

    // MARK: Sorted-array helpers

    /// First index in `range` whose entry does not precede `entry`.
    private func lowerBound(_ entry: Entry, in range: Range<Int>) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = low + (high - low) / 2
            if entries[middle].precedes(entry) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Index of an entry known to be present.
    private func position(of entry: Entry) -> Int {
        let index = lowerBound(entry, in: 0..<entries.count)
        precondition(index < entries.count && entries[index].userId == entry.userId, "RankIndex: member table and entries disagree")
        return index
    }

    /// Replaces the entry at `index` with `entry`, shifting only the rows in between.
    private mutating func move(from index: Int, to entry: Entry) {
        if index > 0 && entry.precedes(entries[index - 1]) {
            let target = lowerBound(entry, in: 0..<index)
            var k = index
            while k > target { entries[k] = entries[k - 1]; k -= 1 }
            entries[target] = entry
        } else if index + 1 < entries.count && entries[index + 1].precedes(entry) {
            let target = lowerBound(entry, in: (index + 1)..<entries.count) - 1
            var k = index
            while k < target { entries[k] = entries[k + 1]; k += 1 }
            entries[target] = entry
        } else {
            entries[index] = entry
        }
    }
}
