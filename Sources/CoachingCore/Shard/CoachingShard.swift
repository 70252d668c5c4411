public import FlowEngine
public import WSProtocol

/// The coaching service of one event loop as a state machine: sessions and the sequence
/// contract, users, scopes and rate limits, channels and `stats:me` (PROTOCOL.md).
///
/// Like WSProtocol's endpoint it does no I/O: the shell passes in what happened — a text
/// message, a token check's answer, a store look-up, durable acks, a tick — with the time
/// it read, and the shard tells the shell what to do through ``CoachingShell``. It reads
/// no clock and touches no socket, so every rule here is tested without either.
///
/// One shard per loop; all of a user's connections and sessions meet on the user's home
/// loop (``homeLoop(of:loops:)``), so nothing here is shared between threads.
public final class CoachingShard {
    // Exclusivity: `now`, `sweeping`, `sessionWakeUps`, the decoder and the encoder are
    // `@exclusivity(unchecked)`: read or set on every message by the loop thread alone, and no
    // access to one can overlap another. The decoder's and encoder's methods are pure (no
    // callbacks); the one access that spans a call out, the shell sending the encoder's bytes
    // (`sendEncoded`), lends a reference of its own to them, so even an encode from inside
    // the shell would copy the bytes rather than overwrite the ones being sent.

    /// Everything the shard is configured with.
    public struct Configuration: Sendable {
        public var settings: CoachingSettings
        public var flow: FlowEngineConfiguration
        /// This shard's loop and the number of loops (home loops of users).
        public var loopIndex: Int
        public var loopCount: Int
        /// Idle-ping interval announced in `welcome` (`heartbeat_s`).
        public var heartbeatSeconds: Int
        /// The UTC offset of an IANA time zone at a wall-clock time (ms). Injected: looking
        /// a zone up reads the system's zone files, which the pure shard does not do.
        public var utcOffsetMs: @Sendable (_ timeZone: String, _ atMs: Int64) -> Int64

        public init(
            settings: CoachingSettings, flow: FlowEngineConfiguration = .standard, loopIndex: Int = 0, loopCount: Int = 1,
            heartbeatSeconds: Int = 30, utcOffsetMs: @escaping @Sendable (String, Int64) -> Int64 = { _, _ in 0 }
        ) {
            self.settings = settings
            self.flow = flow
            self.loopIndex = loopIndex
            self.loopCount = loopCount
            self.heartbeatSeconds = heartbeatSeconds
            self.utcOffsetMs = utcOffsetMs
        }
    }

    /// How often the shell calls ``tick(at:)``.
    public static let tickIntervalMs: Int64 = 500
    /// Silence after which the detector is asked whether the state changed by itself.
    public static let idleCheckAfterMs: Int64 = 1_000
    /// How often a user's UTC offset is looked up again (time-zone changes, DST).
    public static let offsetRefreshIntervalMs: Int64 = 15 * 60_000

    public let configuration: Configuration
    public var settings: CoachingSettings { configuration.settings }
    public unowned let shell: any CoachingShell
    /// Counters shared with `/metrics` (atomics: read by other threads).
    public let stats: LoopStats
    /// Users whose home is this loop and who have live connections or sessions.
    public var users: [String: UserState] = [:]
    /// The reusable application codec (allocation-free once warm).
    @exclusivity(unchecked) public var decoder = InboundDecoder()
    @exclusivity(unchecked) public var encoder = OutboundEncoder()
    /// This loop's channel subscriptions.
    public internal(set) var registry: SubscriptionRegistry
    /// Leaderboard time accrued since the last flush, per (user, language, UTC day).
    public var pendingScores: [ScoreKey: ScoreAmount] = [:]
    /// The users' numbers on the leaderboard owner's side (``ScoreSubject``).
    var scoreNumbers = ScoreNumbers()
    /// Users dropped since the last flush: their parked time still goes out under their
    /// number, which is given back after that flush.
    var leavingUsers: [String: UserState] = [:]
    /// The time of the input being handled.
    @exclusivity(unchecked) public var now = CoachingTime(monotonicMs: 0, wallMs: 0)
    /// When each session next needs the sweep (see ``tick(at:)``).
    @exclusivity(unchecked) var sessionWakeUps = TimerHeap<LiveSession>()
    /// ``sessionWakeUps`` is compacted when it holds this many entries (twice what the last
    /// compaction kept): a session whose deadline moved leaves a stale entry behind.
    var wakeUpsCompactionCount = 1024
    /// The least ``wakeUpsCompactionCount`` gets: below it a compaction costs more than the
    /// stale entries do (tests lower it to compact often).
    var wakeUpsCompactionMinimum = 1024 {
        didSet {
            wakeUpsCompactionCount = wakeUpsCompactionMinimum
            userWakeUpsCompactionCount = wakeUpsCompactionMinimum
        }
    }
    /// ``tick(at:)`` is visiting due sessions: a wake-up asked for now waits for the next tick.
    @exclusivity(unchecked) var sweeping = false
    /// Sessions visited by the sweep so far.
    public internal(set) var sessionVisits = 0
    /// When each user next needs the tick (offset refresh, baseline save, `stats:me`, drop).
    @exclusivity(unchecked) var userWakeUps = TimerHeap<UserState>()
    /// ``userWakeUps`` is compacted when it holds this many entries (as for sessions).
    var userWakeUpsCompactionCount = 1024
    /// The users taken from ``userWakeUps`` by this tick, kept for their `stats:me` (reused).
    var visitedUsers: [UserState] = []
    /// ``tick(at:)`` is publishing the visited users' stats: a wake-up asked for now waits for
    /// the next tick.
    @exclusivity(unchecked) var visitingUsers = false
    /// Users visited by the tick so far.
    public internal(set) var userVisits = 0
    /// Visit every session on every tick, as the sweep did before wake-ups: the reference
    /// the tests compare the wake-ups against.
    var visitsEverySession = false

    public init(configuration: Configuration, shell: any CoachingShell, stats: LoopStats) {
        self.configuration = configuration
        self.shell = shell
        self.stats = stats
        registry = SubscriptionRegistry(configuration: SubscriptionRegistry.Configuration(
            maxSubscriptionsPerConnection: configuration.settings.maxSubscriptionsPerConnection))
    }

    /// The loop that owns `userId`'s state: a stable hash (FNV-1a), so it is the same in
    /// every process with the same loop count.
    public static func homeLoop(of userId: String, loops: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in userId.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int(hash % UInt64(max(1, loops)))
    }

    /// Users with state on this shard (tests, metrics).
    public var liveUserCount: Int { users.count }

    // MARK: Sending

    /// Sends the encoder's current message as one text message.
    public func sendEncoded(_ connection: CoachingConnection) {
        // A reference of its own to the bytes while the shell has them (see the top).
        let message = encoder.bytes
        message.withUnsafeBytes { payload in shell.send(connection.id, payload) }
        stats.add(.messagesSent)
    }

    /// Sends an `error` (the connection stays open).
    public func sendError(_ connection: CoachingConnection, _ error: AppError) {
        stats.add(.appErrors)
        encoder.error(error)
        sendEncoded(connection)
    }

    /// Sends an `error`; a client that keeps sending rejected messages is closed with 1008.
    /// Every kind of rejection counts alike.
    public func reject(_ connection: CoachingConnection, _ error: AppError) {
        sendError(connection, error)
        connection.consecutiveErrors += 1
        if connection.consecutiveErrors >= settings.maxConsecutiveErrors {
            close(connection, .policyViolation, reason: "too many invalid messages")
        }
    }

    /// Starts closing the connection; nothing more it sends is processed.
    public func close(_ connection: CoachingConnection, _ code: CloseCode, reason: String) {
        guard !connection.closing else { return }
        connection.closing = true
        shell.perform(.close(connection.id, code, reason: reason))
    }

    /// The first day (`YYYY-MM-DD`) of the stored totals a new user state loads: the
    /// day before the current UTC ISO week's Monday (a day of slack for zones ahead of UTC).
    public static func profileFromDay(wallMs: Int64) -> String {
        PeriodKeys(daysSinceEpoch: LocalTime.startOfWeek(containingDay: LocalTime.day(atMs: wallMs, utcOffsetMs: 0)) - 1).day
    }
}
