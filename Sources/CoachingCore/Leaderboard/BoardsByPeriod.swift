/// The held boards of each period (day, week, month), by period key.
///
/// A field per period rather than a dictionary keyed by the period: a score delta finds
/// its boards in each of the three periods, and a field costs no hashing. Mutations go
/// through `_modify`, so a board changed through ``subscript(_:)`` is changed in place, never
/// copied out and written back (which would copy every ranking of the period).
public struct BoardsByPeriod: Sendable {
    public var day: [String: PeriodBoards] = [:]
    public var week: [String: PeriodBoards] = [:]
    public var month: [String: PeriodBoards] = [:]

    public init() {}

    /// One period's boards, by period key.
    public subscript(period: LeaderboardChannel.Period) -> [String: PeriodBoards] {
        get {
            switch period {
            case .day: day
            case .week: week
            case .month: month
            }
        }
        _modify {
            switch period {
            case .day: yield &day
            case .week: yield &week
            case .month: yield &month
            }
        }
    }
}
