/// Runs the engine over a recorded stream exactly as the server does, for
/// `flowcoach replay`, tests and evaluations.
///
/// Feed `activity` windows in file order with ``ingest(_:)``; a session's first window
/// implies its `session.start` (at the window's start). Each session gets one
/// ``FlowSession``; each user one ``UserCoach`` (baseline, breaks, days) shared by that
/// user's sessions. Call ``endSession(_:atMs:)`` for an explicit `session.end` and
/// ``finish()`` at the end of input for the summaries of sessions still open, in the order
/// they started. The result is a pure function of the input: the same lines give the same
/// outputs, byte for byte once encoded.
///
/// A session id seen again under another user stays with its first user.
public struct ReplayEngine: Sendable {
    /// One input line, decoded.
    public struct Input: Sendable {
        /// The person (`"user"` field); `nil` means the default user.
        public var user: String?
        /// The session id.
        public var session: String
        /// The window.
        public var window: ActivityWindow
        /// The user's UTC offset at this window, ms (default 0).
        public var utcOffsetMs: Int64

        /// Creates an input.
        public init(user: String? = nil, session: String, window: ActivityWindow,
                    utcOffsetMs: Int64 = 0) {
            self.user = user
            self.session = session
            self.window = window
            self.utcOffsetMs = utcOffsetMs
        }
    }

    /// One output line.
    public enum Output: Hashable, Sendable {
        /// The `flow` answer to a window.
        case flow(user: String, session: String, FlowAssessment)
        /// A `break` reminder pushed after that window.
        case breakReminder(user: String, session: String, BreakReminder)
        /// A `session.summary` (explicit end, or end of input).
        case summary(user: String, session: String, SessionSummary)
    }

    struct OpenSession: Sendable {
        var user: String
        var state: FlowSession
        var utcOffsetMs: Int64
    }

    /// The configuration every user starts with.
    public let configuration: FlowEngineConfiguration
    /// The name used for lines without a `user`.
    public let defaultUser: String
    /// Per-user state, by user name.
    public private(set) var users: [String: UserCoach] = [:]
    var sessions: [String: OpenSession] = [:]
    var sessionOrder: [String] = []
    var knownSessions: Set<String> = []

    /// An engine with no users or sessions.
    public init(configuration: FlowEngineConfiguration = .standard, defaultUser: String = "default") {
        self.configuration = configuration
        self.defaultUser = defaultUser
    }

    /// Processes one window: the `flow` answer first, then a `break` if one is due.
    public mutating func ingest(_ input: Input) -> [Output] {
        let requestedUser = input.user ?? defaultUser
        // Entries are taken out of the dictionaries while mutated, so their arrays stay
        // uniquely referenced (no copy-on-write per window).
        var open = sessions.removeValue(forKey: input.session) ?? startSession(input, user: requestedUser)
        if open.state.ended {
            // A window after session.end restarts the session id as a new session.
            open = startSession(input, user: open.user)
        }
        let user = open.user
        var coach = users.removeValue(forKey: user) ?? UserCoach(configuration: configuration)
        let update = coach.ingest(input.window, session: &open.state, utcOffsetMs: input.utcOffsetMs)
        open.utcOffsetMs = input.utcOffsetMs
        users[user] = coach
        sessions[input.session] = open
        var outputs: [Output] = [.flow(user: user, session: input.session, update.flow)]
        if let reminder = update.breakReminder {
            outputs.append(.breakReminder(user: user, session: input.session, reminder))
        }
        return outputs
    }

    /// `session.end`: the summary, or `nil` for an unknown or already ended session.
    public mutating func endSession(_ session: String, atMs: Int64) -> Output? {
        guard let existing = sessions[session], !existing.state.ended, users[existing.user] != nil,
              var open = sessions.removeValue(forKey: session),
              var coach = users.removeValue(forKey: open.user) else { return nil }
        let summary = coach.endSession(&open.state, atMs: atMs, utcOffsetMs: open.utcOffsetMs)
        users[open.user] = coach
        sessions[session] = open
        return .summary(user: open.user, session: session, summary)
    }

    /// `break.ack` for `user` (default user when `nil`).
    @discardableResult
    public mutating func acknowledgeBreak(user: String?, reminder: UInt64, action: BreakAction,
                                          atMs: Int64) -> Bool {
        let name = user ?? defaultUser
        guard var coach = users.removeValue(forKey: name) else { return false }
        let accepted = coach.receivedBreakAck(reminder: reminder, action: action, atMs: atMs)
        users[name] = coach
        return accepted
    }

    /// End of input: summaries of all sessions still open, in the order they started,
    /// each ended at its last window.
    public mutating func finish() -> [Output] {
        var outputs: [Output] = []
        for id in sessionOrder {
            guard let open = sessions[id], !open.state.ended else { continue }
            if let summary = endSession(id, atMs: open.state.totals.lastAtMs) {
                outputs.append(summary)
            }
        }
        return outputs
    }

    /// Runs a whole stream (windows in order) and finishes it.
    public static func run(_ inputs: some Sequence<Input>,
                           configuration: FlowEngineConfiguration = .standard) -> [Output] {
        var engine = ReplayEngine(configuration: configuration)
        var outputs: [Output] = []
        for input in inputs { outputs.append(contentsOf: engine.ingest(input)) }
        outputs.append(contentsOf: engine.finish())
        return outputs
    }

    /// The open state of `session` (for tests and tools).
    public func session(_ id: String) -> FlowSession? { sessions[id]?.state }

    private mutating func startSession(_ input: Input, user: String) -> OpenSession {
        var coach = users.removeValue(forKey: user) ?? UserCoach(configuration: configuration)
        let start = input.window.atMs.saturatingSubtracted(
            input.window.windowMs.clamped(to: 0...configuration.detector.maximumWindow.value))
        let state = coach.startSession(atMs: start, language: input.window.language,
                                       utcOffsetMs: input.utcOffsetMs)
        users[user] = coach
        if knownSessions.insert(input.session).inserted { sessionOrder.append(input.session) }
        return OpenSession(user: user, state: state, utcOffsetMs: input.utcOffsetMs)
    }
}
