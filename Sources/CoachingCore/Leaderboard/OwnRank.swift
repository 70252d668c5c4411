/// A subscriber's own place on one leaderboard, sent to that subscriber only.
///
/// For a visible user this is their row's rank. For a user who opted out
/// (`leaderboard_visible = false`) it is the rank they would hold among the visible users
/// (1 + the number of visible users strictly ahead of them): they see where they stand,
/// nobody else sees them.
public struct OwnRank: Hashable, Sendable {
    /// 1-based rank.
    public var rank: Int
    /// The user's total for the board's period and metric.
    public var valueMs: Int64
    /// Whether others see this user on the board.
    public var visible: Bool

    public init(rank: Int, valueMs: Int64, visible: Bool) {
        self.rank = rank
        self.valueMs = valueMs
        self.visible = visible
    }
}
