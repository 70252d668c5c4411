/// What a session checkpoint adds to the leaderboards: time accrued since the previous
/// checkpoint of that session, attributed to one language.
///
/// The caller (the session layer) sends the *difference* between consecutive checkpoints,
/// never a running total, so replays that change nothing send nothing. A checkpoint whose
/// time spans languages is sent as one delta per language.
public struct ScoreDelta: Hashable, Sendable {
    public var userId: String
    /// The name shown on boards (the user's display name at the time).
    public var displayName: String
    /// The periods this time belongs to (see ``PeriodKeys`` for which calendar).
    public var periods: PeriodKeys
    /// The language of this time, as the editor reported it (canonicalized by the owner);
    /// `nil` or an invalid name: global boards only.
    public var language: String?
    /// Active (coding) time added, ms; negative values are treated as corrections and
    /// never take a total below zero.
    public var codingMsDelta: Int64
    /// Flow time added, ms.
    public var flowMsDelta: Int64

    public init(
        userId: String, displayName: String, periods: PeriodKeys, language: String?, codingMsDelta: Int64,
        flowMsDelta: Int64
    ) {
        self.userId = userId
        self.displayName = displayName
        self.periods = periods
        self.language = language
        self.codingMsDelta = codingMsDelta
        self.flowMsDelta = flowMsDelta
    }
}
