public import FlowEngine

/// One client → server message of PROTOCOL.md, decoded and validated by
/// ``InboundDecoder``.
///
/// The hot message, `activity`, carries only its session id here: its window is refilled
/// in place in ``InboundDecoder/window`` so that decoding it allocates nothing. Every other
/// case carries its fields by value. The request `id` travels beside the message (see
/// ``InboundDecodeResult``).
public enum InboundMessage: Sendable, Hashable {
    /// `hello`: authentication for clients that cannot set headers, plus client details.
    case hello(Hello)
    /// `session.start`: open (or resume) a session.
    case sessionStart(SessionStart)
    /// `activity`: one window of a session. The window itself is
    /// ``InboundDecoder/window``, valid until the next `decode`.
    case activity(session: SessionID)
    /// `session.end`: close a session and ask for its summary.
    case sessionEnd(SessionEnd)
    /// `subscribe`: the channel name as sent (1–128 bytes; its syntax is the channel
    /// hub's to check).
    case subscribe(channel: String)
    /// `unsubscribe`: the channel name as sent.
    case unsubscribe(channel: String)
    /// `break.ack`: the user's answer to a break reminder.
    case breakAck(BreakAck)
    /// `privacy.set`: leaderboard and project-name sharing preferences.
    case privacySet(PrivacyChange)
    /// `ping`: answered by `pong`.
    case ping
    /// `goal.set`: the user's new goal; nil removes it.
    case goalSet(UserGoal?)

    /// The `type` string of this message (`session.start`, …).
    public var typeName: StaticString {
        switch self {
        case .hello: "hello"
        case .sessionStart: "session.start"
        case .activity: "activity"
        case .sessionEnd: "session.end"
        case .subscribe: "subscribe"
        case .unsubscribe: "unsubscribe"
        case .breakAck: "break.ack"
        case .privacySet: "privacy.set"
        case .ping: "ping"
        case .goalSet: "goal.set"
        }
    }

    /// The fields of `hello`. Every field is optional on the wire: a client authenticated
    /// by its upgrade header may still send `hello` to describe itself.
    public struct Hello: Sendable, Hashable {
        /// `token` (1–512 bytes), if sent.
        public var token: String?
        /// `client.name` (≤ 128 bytes), if sent.
        public var clientName: String?
        /// `client.version` (≤ 128 bytes), if sent.
        public var clientVersion: String?
        /// `device` (≤ 128 bytes), if sent.
        public var device: String?

        /// Creates the fields.
        public init(token: String? = nil, clientName: String? = nil, clientVersion: String? = nil,
                    device: String? = nil) {
            self.token = token
            self.clientName = clientName
            self.clientVersion = clientVersion
            self.device = device
        }
    }

    /// The fields of `session.start`.
    public struct SessionStart: Sendable, Hashable {
        /// `session`.
        public var session: SessionID
        /// `project` (1–128 bytes), or `nil` when absent, `null` or empty.
        public var project: String?
        /// `language` (1–64 bytes), or `nil` when absent, `null` or empty.
        public var language: String?
        /// `at_ms`.
        public var atMs: Int64

        /// Creates the fields.
        public init(session: SessionID, project: String? = nil, language: String? = nil, atMs: Int64) {
            self.session = session
            self.project = project
            self.language = language
            self.atMs = atMs
        }
    }

    /// The fields of `session.end`.
    public struct SessionEnd: Sendable, Hashable {
        /// `session`.
        public var session: SessionID
        /// `seq`: the last `activity` seq the client sent; 0 when it sent none.
        public var seq: Int64
        /// `at_ms`.
        public var atMs: Int64

        /// Creates the fields.
        public init(session: SessionID, seq: Int64, atMs: Int64) {
            self.session = session
            self.seq = seq
            self.atMs = atMs
        }
    }

    /// The fields of `break.ack`.
    public struct BreakAck: Sendable, Hashable {
        /// The reminder's number, parsed from its wire id `b-<n>` (``BreakReminder/wireID``).
        public var reminder: UInt64
        /// `action`.
        public var action: BreakAction

        /// Creates the fields.
        public init(reminder: UInt64, action: BreakAction) {
            self.reminder = reminder
            self.action = action
        }
    }

    /// The fields of `privacy.set`: each is optional (`nil` leaves the setting as it is),
    /// but at least one must be sent.
    public struct PrivacyChange: Sendable, Hashable {
        /// `leaderboard_visible`.
        public var leaderboardVisible: Bool?
        /// `share_project_names`.
        public var shareProjectNames: Bool?

        /// Creates the fields.
        public init(leaderboardVisible: Bool? = nil, shareProjectNames: Bool? = nil) {
            self.leaderboardVisible = leaderboardVisible
            self.shareProjectNames = shareProjectNames
        }
    }
}
