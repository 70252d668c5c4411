/// Every member's ``OwnRank`` on one board as it was when an event was published: what the
/// loops read each subscriber's own rank from.
///
/// ### Why not a copy of the ``RankIndex``
/// A published event used to keep a copy of the board's index, sharing its storage until the
/// owner's next score change, which then copied the whole node array (40 bytes a member) of
/// every board published in that second, and kept both copies alive. This table holds
/// 12 bytes a member, in two flat arrays of plain values, and shares only the member
/// dictionary, which changes when somebody joins or leaves the board, not when a score
/// moves. A look-up is a hash of the user id and two array reads: no tree walk.
public struct OwnRankTable: Sendable {
    /// The board members' `slotByUserId` (shared copy-on-write).
    private let slotByUserId: [String: BoardMembers.Slot]
    /// Per slot: `rank << 1 | visible`; 0 for a slot without a member.
    private let places: [UInt32]
    /// Per slot: the member's total.
    private let values: [Int64]

    /// Members on the board, visible or not.
    public let memberCount: Int

    init(slotByUserId: [String: BoardMembers.Slot], places: [UInt32], values: [Int64], memberCount: Int) {
        self.slotByUserId = slotByUserId
        self.places = places
        self.values = values
        self.memberCount = memberCount
    }

    /// An empty board's table.
    public init() {
        self.init(slotByUserId: [:], places: [], values: [], memberCount: 0)
    }

    /// The user's own rank when the table was made, or `nil` if not a member.
    public func ownRank(of userId: String) -> OwnRank? {
        guard let slot = slotByUserId[userId].map(Int.init), slot < places.count, places[slot] != 0 else { return nil }
        let place = places[slot]
        return OwnRank(rank: Int(place >> 1), valueMs: values[slot], visible: place & 1 == 1)
    }
}
