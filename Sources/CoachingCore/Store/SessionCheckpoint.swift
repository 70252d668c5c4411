/// Session records the writer stores: plain values, independent of the FlowEngine types
/// (the server converts). All durations are milliseconds (`…Ms`), all instants are
/// milliseconds since the Unix epoch in the client's event time (`…AtMs`).

/// The cumulative totals of one session up to its checkpoint's `seq`.
public struct CheckpointTotals: Sendable, Hashable, Codable {
    /// Time with activity (idle excluded).
    public var activeMs: Int64 = 0
    /// Time spent in flow.
    public var flowMs: Int64 = 0
    public var keystrokes: Int64 = 0
    public var linesAdded: Int64 = 0
    public var linesDeleted: Int64 = 0
    /// Number of completed flow periods.
    public var flowPeriods: Int64 = 0
    public var interruptions: Int64 = 0
    /// Mean time from an interruption back into flow.
    public var meanRecoveryMs: Int64 = 0
    /// 0…1.
    public var focusScore: Double = 0

    public init(
        activeMs: Int64 = 0, flowMs: Int64 = 0, keystrokes: Int64 = 0, linesAdded: Int64 = 0,
        linesDeleted: Int64 = 0, flowPeriods: Int64 = 0, interruptions: Int64 = 0,
        meanRecoveryMs: Int64 = 0, focusScore: Double = 0
    ) {
        self.activeMs = activeMs
        self.flowMs = flowMs
        self.keystrokes = keystrokes
        self.linesAdded = linesAdded
        self.linesDeleted = linesDeleted
        self.flowPeriods = flowPeriods
        self.interruptions = interruptions
        self.meanRecoveryMs = meanRecoveryMs
        self.focusScore = focusScore
    }
}

/// A session's cumulative contribution to one local day of its user (a session that runs
/// past midnight has two). Absolute values, not deltas, so a replay is idempotent; the
/// user's daily aggregate is the sum over their sessions.
public struct SessionDayTotals: Sendable, Hashable, Codable {
    /// The user's local calendar day, `YYYY-MM-DD` (computed by the server in the user's
    /// time zone; sorts as text).
    public var day: String
    /// Active (coding) time on that day.
    public var activeMs: Int64
    public var flowMs: Int64
    public var keystrokes: Int64
    public var linesAdded: Int64
    public var linesDeleted: Int64
    /// Active time per language on that day (a handful of entries).
    public var languageMs: [String: Int64]

    public init(
        day: String, activeMs: Int64 = 0, flowMs: Int64 = 0, keystrokes: Int64 = 0,
        linesAdded: Int64 = 0, linesDeleted: Int64 = 0, languageMs: [String: Int64] = [:]
    ) {
        self.day = day
        self.activeMs = activeMs
        self.flowMs = flowMs
        self.keystrokes = keystrokes
        self.linesAdded = linesAdded
        self.linesDeleted = linesDeleted
        self.languageMs = languageMs
    }
}

/// One completed flow period (the seed's `flow_states` row). Keyed by (session, `startMs`).
public struct FlowPeriodRecord: Sendable, Hashable, Codable {
    public var startMs: Int64
    public var endMs: Int64
    /// Mean flow intensity over the period, 0…1.
    public var meanIntensity: Double
    /// Highest intensity reached, 0…1.
    public var peakIntensity: Double

    public init(startMs: Int64, endMs: Int64, meanIntensity: Double, peakIntensity: Double) {
        self.startMs = startMs
        self.endMs = endMs
        self.meanIntensity = meanIntensity
        self.peakIntensity = peakIntensity
    }
}

/// The state of one session covering every client message up to `seq`.
///
/// Stored as an upsert keyed by `sessionId` and guarded by the seq rule of
/// `supersedes(_:)`: a lower `seq`, or the same `seq` saying no more, changes no totals
/// (replays and retries are no-ops).
/// `completedFlowPeriods` lists the periods completed since the previous checkpoint the
/// writer *accepted*; they are inserted idempotently (keyed by start), so sending one twice
/// is harmless. `completedMarks` (interrupted and idle stretches, break reminders) follow the
/// same rule.
public struct SessionCheckpoint: Sendable, Hashable, Codable {
    /// The client-chosen session UUID (lowercase string).
    public var sessionId: String
    public var userId: String
    /// Highest client sequence number this checkpoint covers.
    public var seq: Int64
    public var startedAtMs: Int64
    /// Event time of the last covered message.
    public var lastAtMs: Int64
    /// `session.end` was processed (or the session expired and was summarised).
    public var ended: Bool
    /// Project name as the client sent it, if any.
    public var project: String?
    public var totals: CheckpointTotals
    /// Per local day contributions (cumulative); their languages make the session's
    /// language breakdown.
    public var days: [SessionDayTotals]
    public var completedFlowPeriods: [FlowPeriodRecord]
    /// Timeline marks completed since the previous accepted checkpoint.
    public var completedMarks: [SessionMarkRecord]

    public init(
        sessionId: String, userId: String, seq: Int64, startedAtMs: Int64, lastAtMs: Int64,
        ended: Bool = false, project: String? = nil, totals: CheckpointTotals = CheckpointTotals(),
        days: [SessionDayTotals] = [], completedFlowPeriods: [FlowPeriodRecord] = [],
        completedMarks: [SessionMarkRecord] = []
    ) {
        self.sessionId = sessionId
        self.userId = userId
        self.seq = seq
        self.startedAtMs = startedAtMs
        self.lastAtMs = lastAtMs
        self.ended = ended
        self.project = project
        self.totals = totals
        self.days = days
        self.completedFlowPeriods = completedFlowPeriods
        self.completedMarks = completedMarks
    }

    /// Active time per language over the whole session (sum over `days`).
    public var languageMs: [String: Int64] {
        var result: [String: Int64] = [:]
        for day in days {
            for (language, ms) in day.languageMs { result[language, default: 0] += ms }
        }
        return result
    }
}

/// The opaque per-user state of the coach (FlowEngine serializes both parts): the flow
/// detector's baseline and the break scheduler's state, so the node or process that
/// coaches the user next goes on where this one stopped. A newer `updatedAtMs` replaces
/// an older one; an older one never overwrites a newer one.
public struct BaselineRecord: Sendable, Hashable, Codable {
    public var userId: String
    public var updatedAtMs: Int64
    public var bytes: [UInt8]
    /// The break scheduler's state; empty when none was saved (records of earlier builds).
    public var breaks: [UInt8]

    public init(userId: String, updatedAtMs: Int64, bytes: [UInt8], breaks: [UInt8] = []) {
        self.userId = userId
        self.updatedAtMs = updatedAtMs
        self.bytes = bytes
        self.breaks = breaks
    }

    enum CodingKeys: String, CodingKey { case userId, updatedAtMs, bytes, breaks }

    /// Spill-journal entries written before the break state existed decode with none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        userId = try container.decode(String.self, forKey: .userId)
        updatedAtMs = try container.decode(Int64.self, forKey: .updatedAtMs)
        bytes = try container.decode([UInt8].self, forKey: .bytes)
        breaks = try container.decodeIfPresent([UInt8].self, forKey: .breaks) ?? []
    }
}

/// A user's totals for one local day, summed over their sessions.
public struct UserDayTotals: Sendable, Hashable, Codable {
    public var userId: String
    /// `YYYY-MM-DD` in the user's time zone.
    public var day: String
    /// Coding (active) time.
    public var activeMs: Int64
    public var flowMs: Int64
    public var keystrokes: Int64
    public var linesAdded: Int64
    public var linesDeleted: Int64
    /// Sessions that contributed to the day.
    public var sessions: Int64
    /// Active time per language.
    public var languageMs: [String: Int64]

    public init(
        userId: String, day: String, activeMs: Int64, flowMs: Int64, keystrokes: Int64,
        linesAdded: Int64, linesDeleted: Int64, sessions: Int64, languageMs: [String: Int64]
    ) {
        self.userId = userId
        self.day = day
        self.activeMs = activeMs
        self.flowMs = flowMs
        self.keystrokes = keystrokes
        self.linesAdded = linesAdded
        self.linesDeleted = linesDeleted
        self.sessions = sessions
        self.languageMs = languageMs
    }
}

extension SessionCheckpoint {
    /// Decodes a checkpoint; one spilled by an earlier build (no `completedMarks`) decodes
    /// with none, so a journal survives an upgrade.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sessionId: try values.decode(String.self, forKey: .sessionId),
            userId: try values.decode(String.self, forKey: .userId),
            seq: try values.decode(Int64.self, forKey: .seq),
            startedAtMs: try values.decode(Int64.self, forKey: .startedAtMs),
            lastAtMs: try values.decode(Int64.self, forKey: .lastAtMs),
            ended: try values.decode(Bool.self, forKey: .ended),
            project: try values.decodeIfPresent(String.self, forKey: .project),
            totals: try values.decode(CheckpointTotals.self, forKey: .totals),
            days: try values.decode([SessionDayTotals].self, forKey: .days),
            completedFlowPeriods: try values.decode([FlowPeriodRecord].self, forKey: .completedFlowPeriods),
            completedMarks: try values.decodeIfPresent([SessionMarkRecord].self, forKey: .completedMarks) ?? [])
    }
}
