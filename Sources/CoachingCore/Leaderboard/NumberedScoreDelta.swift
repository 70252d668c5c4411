/// A coaching shard's number for a user (``LeaderboardInput/identify(_:userId:name:)``):
/// the shard (its loop's index) and a number the shard gives out and reuses.
public struct ScoreSubject: Hashable, Sendable {
    public var shard: UInt16
    public var number: UInt32

    public init(shard: UInt16, number: UInt32) {
        self.shard = shard
        self.number = number
    }
}

/// A ``ScoreDelta`` from a coaching shard, naming its user by the shard's number rather
/// than by id and display name. Nothing in it is reference counted (period keys and
/// language names of up to 15 bytes are stored inline), so posting it to the leaderboard
/// owner and applying it there retains and releases nothing; the shard identified the
/// number once, before the first of these.
public struct NumberedScoreDelta: Hashable, Sendable {
    public var subject: ScoreSubject
    public var periods: PeriodKeys
    /// As in ``ScoreDelta/language``.
    public var language: String?
    public var codingMsDelta: Int64
    public var flowMsDelta: Int64

    public init(subject: ScoreSubject, periods: PeriodKeys, language: String?, codingMsDelta: Int64, flowMsDelta: Int64) {
        self.subject = subject
        self.periods = periods
        self.language = language
        self.codingMsDelta = codingMsDelta
        self.flowMsDelta = flowMsDelta
    }
}
