/// The two rankings of one board scope (global, one language or one team) for one period
/// key: by coding time and by flow time, over one shared ``BoardMembers`` table (a member
/// on both rankings is stored once; see that type for why).
public struct BoardPair: Sendable {
    private var members = BoardMembers()
    private var coding = RankTree()
    private var flow = RankTree()
    /// The book's mark epoch in which each ranking's channel was last put among the book's
    /// dirty channels (``LeaderboardBook``'s `markEpoch`): while it is current, the channel is
    /// still there and the book need not hash its key again. For a team board, `coding`
    /// stands for the team's one channel.
    private var markedEpoch: (coding: UInt64, flow: UInt64) = (0, 0)

    public init() {}

    /// Which of the rankings' channels are not yet marked in `epoch` (among those asked
    /// for), recording them as marked.
    mutating func unmarked(coding: Bool, flow: Bool, epoch: UInt64) -> (coding: Bool, flow: Bool) {
        let newCoding = coding && markedEpoch.coding != epoch
        let newFlow = flow && markedEpoch.flow != epoch
        if newCoding { markedEpoch.coding = epoch }
        if newFlow { markedEpoch.flow = epoch }
        return (newCoding, newFlow)
    }

    /// The coding-time ranking (a read-only view sharing this pair's storage).
    public var codingTime: RankIndex { RankIndex(members: members, tree: coding) }
    /// The flow-time ranking (a read-only view sharing this pair's storage).
    public var flowTime: RankIndex { RankIndex(members: members, tree: flow) }

    /// The ranking of one metric (a read-only view).
    public subscript(metric: LeaderboardChannel.Metric) -> RankIndex {
        switch metric {
        case .codingTime: codingTime
        case .flowTime: flowTime
        }
    }

    /// Adds both metrics' deltas for one user (a zero delta leaves that ranking alone).
    /// `bulk`: start-up loading, rows sorted later by ``sortRows()``. `ordinal`: the
    /// book's number for the user, which finds the member without hashing its id; the name
    /// is then not compared (the book renames through ``update(userId:name:visible:)``).
    public mutating func add(
        userId: String, ordinal: UInt32? = nil, name: String, codingMs: Int64, flowMs: Int64, visible: Bool, bulk: Bool = false
    ) {
        guard codingMs != 0 || flowMs != 0 else { return }
        if bulk {
            let slot = members.slot(of: userId) ?? members.insert(userId: userId, name: name)
            if members.names[Int(slot)] != name { members.setName(name, of: slot) }
            if codingMs != 0 { coding.addUnsorted(slot, deltaMs: codingMs, visible: visible) }
            if flowMs != 0 { flow.addUnsorted(slot, deltaMs: flowMs, visible: visible) }
            return
        }
        if let ordinal, addToMember(ordinal: ordinal, codingMs: codingMs, flowMs: flowMs, visible: visible) { return }
        let slot = memberSlot(userId: userId, name: name)
        if let ordinal { members.record(ordinal: ordinal, for: slot) }
        addTo(slot, codingMs: codingMs, flowMs: flowMs, visible: visible)
    }

    /// Adds both metrics' deltas for the member the book numbers `ordinal`. Returns false,
    /// changing nothing, when no member has that ordinal: then
    /// ``add(userId:ordinal:name:codingMs:flowMs:visible:bulk:)``, which needs the user's id
    /// and name.
    mutating func addToMember(ordinal: UInt32, codingMs: Int64, flowMs: Int64, visible: Bool) -> Bool {
        guard let slot = members.slot(ofOrdinal: ordinal) else { return false }
        addTo(slot, codingMs: codingMs, flowMs: flowMs, visible: visible)
        return true
    }

    /// Adds the nonzero deltas to the member's rankings.
    private mutating func addTo(_ slot: BoardMembers.Slot, codingMs: Int64, flowMs: Int64, visible: Bool) {
        if codingMs != 0 { coding.add(slot, deltaMs: codingMs, visible: visible, members: members) }
        if flowMs != 0 { flow.add(slot, deltaMs: flowMs, visible: visible, members: members) }
    }

    /// Re-applies a member's name and visibility on both rankings; no-op for a non-member.
    public mutating func update(userId: String, name: String, visible: Bool) {
        guard let slot = members.slot(of: userId) else { return }
        if members.names[Int(slot)] != name { rename(slot, to: name) }
        coding.setVisible(visible, slot, members: members)
        flow.setVisible(visible, slot, members: members)
    }

    /// Removes the member from both rankings (purge, leaving a team). Returns whether it
    /// was a member.
    @discardableResult
    public mutating func remove(userId: String) -> Bool {
        guard let slot = members.slot(of: userId) else { return false }
        coding.remove(slot, members: members)
        flow.remove(slot, members: members)
        members.remove(slot)
        return true
    }

    /// Sorts both rankings' rows after bulk loading.
    public mutating func sortRows() {
        coding.sortRows(members: members)
        flow.sortRows(members: members)
    }

    /// Slots the members table has handed out (tests: a member on both rankings takes one).
    var slotCount: Int { members.slotCount }

    /// Whether `userId` is on either ranking.
    public func contains(_ userId: String) -> Bool { members.slot(of: userId) != nil }

    /// The member's slot, inserting it or applying a new name.
    private mutating func memberSlot(userId: String, name: String) -> BoardMembers.Slot {
        guard let slot = members.slot(of: userId) else { return members.insert(userId: userId, name: name) }
        if members.names[Int(slot)] != name { rename(slot, to: name) }
        return slot
    }

    /// The name is part of both rankings' order: each is unlinked while it changes.
    private mutating func rename(_ slot: BoardMembers.Slot, to name: String) {
        let inCoding = coding.detach(slot, members: members)
        let inFlow = flow.detach(slot, members: members)
        members.setName(name, of: slot)
        if inCoding { coding.relink(slot, members: members) }
        if inFlow { flow.relink(slot, members: members) }
    }
}
