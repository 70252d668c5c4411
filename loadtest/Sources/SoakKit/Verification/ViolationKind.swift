/// A kind of contract breach the soak detects (PROTOCOL.md, loadtest/README.md). Each is counted
/// and reported with its first example.
public enum ViolationKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A `flow` named a seq the client never sent.
    case flowForUnsentSeq = "flow_for_unsent_seq"
    /// An `activity` got no `flow` of its seq within the answer timeout or by the end.
    case activityUnanswered = "activity_unanswered"
    /// A `durable` ack went backwards.
    case durableRegressed = "durable_regressed"
    /// A `durable` ack named a seq the client never sent.
    case durableBeyondSent = "durable_beyond_sent"
    /// `session.started` on a resume reported a `last_seq` beyond what was sent, or a
    /// `durable_seq` beyond its `last_seq`.
    case resumeInconsistent = "resume_inconsistent"
    /// A resume reported a `durable_seq` below an ack already received: stored data was lost.
    case durableLost = "durable_lost"
    /// A resume of a session with data was answered `resumed: false`.
    case sessionNotResumed = "session_not_resumed"
    /// A `session.summary` whose keystrokes or line totals differ from what was sent.
    case summaryMismatch = "summary_totals_mismatch"
    /// `session.end` got no `session.summary` by the end of the run.
    case summaryMissing = "summary_missing"
    /// An `error` message the soak did not provoke.
    case unexpectedError = "unexpected_error"
    /// A channel delivered events faster than once a second.
    case channelEventRate = "channel_event_rate"
    /// A subscription got no snapshot `event` by the end of the run.
    case snapshotMissing = "snapshot_missing"
    /// A message that is not a valid server message (bad JSON, missing or mistyped field).
    case malformedMessage = "malformed_message"
    /// A message about a session this connection does not hold.
    case foreignSession = "foreign_session"
    /// The server closed or dropped a connection the soak did not expect to lose.
    case unexpectedDisconnect = "unexpected_disconnect"
    /// The server broke RFC 6455 (the client failed the connection).
    case webSocketViolation = "websocket_violation"

    public static func < (lhs: ViolationKind, rhs: ViolationKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Counts violations by kind and keeps the first example of each.
public struct ViolationLog: Sendable, Equatable {
    public private(set) var counts: [ViolationKind: Int] = [:]
    public private(set) var examples: [ViolationKind: String] = [:]

    public init() {}

    /// All violations counted.
    public var total: Int { counts.values.reduce(0, +) }

    /// Counts one violation; `example` is evaluated only for the first of its kind.
    public mutating func record(_ kind: ViolationKind, _ example: @autoclosure () -> String) {
        counts[kind, default: 0] += 1
        if examples[kind] == nil { examples[kind] = example() }
    }

    /// Adds another log's counts, keeping this log's examples where both have one.
    public mutating func merge(_ other: ViolationLog) {
        for (kind, count) in other.counts { counts[kind, default: 0] += count }
        for (kind, example) in other.examples where examples[kind] == nil { examples[kind] = example }
    }

    /// Kinds seen, in name order.
    public var kinds: [ViolationKind] { counts.keys.sorted() }
}
