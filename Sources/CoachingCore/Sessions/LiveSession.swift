public import FlowEngine

/// One coaching session held by its user's home loop: the FlowEngine session, the
/// sequence contract's bookkeeping and what the next checkpoint must carry.
///
/// Owned by the home loop's thread (reached only through its `UserState`).
public final class LiveSession {
    // Exclusivity: the fields the `activity` path touches are `@exclusivity(unchecked)`.
    // Only the shard's loop thread reaches them, and none is held across a call that could
    // reach them again (`flow` is lent to `UserCoach.ingest`, which calls nothing back), so the
    // run-time checks (about 76 instructions each, ~17 per activity) guard nothing here
    // (docs/BENCHMARKS.md "Instructions per coaching round trip").
    public let id: SessionID
    /// The id as the store keys it (lowercase UUID text). Formatted when asked (checkpoints,
    /// the `stats:me` list) rather than kept: an 80-byte string block per session for a
    /// cold path.
    public var idText: String { id.description }
    @exclusivity(unchecked) public var flow: FlowSession
    /// The project named in `session.start` (or stored, for a resumed session): the flow
    /// session's, not kept a second time.
    public var project: String? { flow.project }

    /// Highest `activity` seq processed (the contract's `last_seq`).
    @exclusivity(unchecked) public var lastSeq: Int64 = 0
    /// Event time of the end (0 while open): an ended session's last event time, which
    /// nothing moves once it ended, so not kept apart.
    public var endedAtMs: Int64 { ended ? lastAtMs : 0 }

    /// The connection carrying the session, nil while detached.
    @exclusivity(unchecked) public var carrier: CoachingConnection?
    /// Monotonic time the session lost its connection (resume window).
    public var detachedAtMono: Int64?
    // The two flags sit in the optional's tail padding (Swift lays a class out in
    // declaration order, and every live session pays for its padding).
    /// Something changed since the last checkpoint handed to the writer.
    @exclusivity(unchecked) public var dirty = false
    /// `session.end` was processed; the checkpoint marks the session ended.
    @exclusivity(unchecked) public var ended = false
    /// The kind of the interrupted or idle stretch under way (see ``openMark``), also in
    /// that padding.
    private var openMarkKind: SessionMarkKind?
    /// Monotonic time of the last `activity` (to estimate client time for idle pushes).
    @exclusivity(unchecked) public var lastActivityMono: Int64
    /// Event time of the last processed message.
    @exclusivity(unchecked) public var lastAtMs: Int64
    /// Event time of the latest window accepted (`Int64.min` before the first, where an
    /// optional would take 16 bytes): later windows may trail it by at most
    /// `sessions.max_clock_skew_ms`.
    @exclusivity(unchecked) public var latestWindowAtMs: Int64 = .min

    /// Totals already stored before this process took the session over; zero for a session
    /// started here.
    public var base: CheckpointTotals { restored?.totals ?? CheckpointTotals() }
    /// Per-day totals already stored before this process took the session over.
    public var baseDays: [SessionDayTotals] { restored?.days ?? [] }
    /// Per-day contributions since this process took the session over (at most
    /// `maximumDays`: an `activity` on a further day is refused).
    @exclusivity(unchecked) public var days = SessionDays()
    public static let maximumDays = 8
    /// The interrupted or idle stretch under way (its kind and event-time start), if any.
    public var openMark: (kind: SessionMarkKind, startMs: Int64)? {
        get { openMarkKind.map { ($0, openMarkStartMs) } }
        set {
            openMarkKind = newValue?.kind
            openMarkStartMs = newValue?.startMs ?? 0
        }
    }
    /// `sessionFlowMs` already attributed to a day / leaderboard.
    @exclusivity(unchecked) public var accountedFlowMs: Int64 = 0
    @exclusivity(unchecked) public var answered = AnsweredFlows()
    /// Leaderboard time not yet flushed to the owner.
    @exclusivity(unchecked) public var score = SessionScore(language: nil, utcDay: 0)
    /// Monotonic time of this session's earliest pending entry in the shard's wake-ups
    /// (`Int64.max`: none, nothing is due until something happens to it; `Int64.min`: retired,
    /// no longer one of its user's sessions, never queued again).
    @exclusivity(unchecked) public var wakeMs: Int64 = .max

    // What an `activity` does not touch, after what it does (above): at the `steady` load
    // shape every session is cold when its next window comes, and each further cache line
    // the path spans is a miss (docs/BENCHMARKS.md "Cold sessions"). Swift lays a class out
    // in declaration order.
    public let userId: String
    public let startedAtMs: Int64
    /// Highest seq the store has confirmed (`durable_seq`).
    public var durableSeq: Int64 = 0
    /// Highest seq handed to the writer.
    public var checkpointedSeq: Int64 = 0
    /// Order in which the user's sessions ended (1, 2, …): which ended sessions are the most
    /// recent. The monotonic clock cannot tell: several sessions end within one millisecond.
    public var endOrder: UInt64 = 0
    /// Monotonic time of the last checkpoint handed to the writer.
    public var lastCheckpointMono: Int64
    /// What the store held before this process took the session over (resume after a
    /// restart); nil for a session started here, the usual case, which so carries one
    /// pointer instead of 80 bytes of zeros.
    private let restored: RestoredTotals?
    /// Flow periods completed and not yet accepted by the writer.
    @exclusivity(unchecked) public var pendingPeriods: [FlowPeriodRecord] = []
    /// Timeline marks completed and not yet accepted by the writer.
    public var pendingMarks: [SessionMarkRecord] = []
    private var openMarkStartMs: Int64 = 0

    /// A session on `flow`, which carries its project (the stored one for a resumed session).
    public init(id: SessionID, userId: String, flow: FlowSession, startedAtMs: Int64, nowMono: Int64,
         restoring stored: SessionCheckpoint? = nil) {
        self.id = id
        self.userId = userId
        self.flow = flow
        self.startedAtMs = stored?.startedAtMs ?? startedAtMs
        lastActivityMono = nowMono
        lastCheckpointMono = nowMono
        lastAtMs = stored?.lastAtMs ?? startedAtMs
        latestWindowAtMs = stored?.lastAtMs ?? .min
        restored = stored.map { RestoredTotals(totals: $0.totals, days: $0.days) }
        if let stored {
            lastSeq = stored.seq
            durableSeq = stored.seq
            checkpointedSeq = stored.seq
        }
    }

    /// Everything up to `lastSeq` as a checkpoint (cumulative, so a later one supersedes).
    public func checkpoint(endMs: Int64) -> SessionCheckpoint {
        let live = flow.totals.summary(endMs: endMs, detector: flow.detector)
        let base = base
        var totals = base
        let liveActive = live.activeMs
        totals.focusScore = Self.weighted(base.focusScore, base.activeMs, live.focusScore, liveActive)
        totals.meanRecoveryMs = Int64(Self.weighted(
            Double(base.meanRecoveryMs), base.interruptions, Double(live.meanRecoveryMs), Int64(live.interruptions)))
        totals.activeMs += liveActive
        totals.flowMs += live.flowMs
        totals.keystrokes += live.keystrokes
        totals.linesAdded += live.linesAdded
        totals.linesDeleted += live.linesDeleted
        totals.flowPeriods += Int64(live.flowPeriods)
        totals.interruptions += Int64(live.interruptions)
        var merged = baseDays
        for tally in days {
            let key = tally.dayKey
            if let index = merged.firstIndex(where: { $0.day == key }) {
                merged[index] = tally.totals(adding: merged[index])
            } else {
                merged.append(tally.totals(adding: nil))
            }
        }
        return SessionCheckpoint(
            sessionId: idText, userId: userId, seq: lastSeq, startedAtMs: startedAtMs, lastAtMs: lastAtMs,
            ended: ended, project: project, totals: totals, days: merged, completedFlowPeriods: pendingPeriods,
            completedMarks: pendingMarks)
    }

    private static func weighted(_ a: Double, _ weightA: Int64, _ b: Double, _ weightB: Int64) -> Double {
        let total = weightA + weightB
        guard total > 0 else { return 0 }
        return (a * Double(weightA) + b * Double(weightB)) / Double(total)
    }
}

/// A resumed session's totals from the store, kept apart from ``LiveSession`` because most
/// sessions start here and have none.
private final class RestoredTotals {
    let totals: CheckpointTotals
    let days: [SessionDayTotals]

    init(totals: CheckpointTotals, days: [SessionDayTotals]) {
        self.totals = totals
        self.days = days
    }
}
