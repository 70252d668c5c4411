import Foundation
import FlowEngine
@testable import CoachingCore

/// One coaching shard with a recording shell and a clock the test moves: the session
/// contract can be driven message by message, with no socket and no thread.
final class ShardHarness {
    let shell = RecordingShell()
    let shard: CoachingShard
    let stats = LoopStats()
    /// Monotonic and wall time, moved only by the test.
    var time = CoachingTime(monotonicMs: 1_000_000, wallMs: 1_795_000_000_000)
    private var nextConnection: ConnectionID = 1

    init(settings: CoachingSettings = CoachingSettings(), loopIndex: Int = 0, loopCount: Int = 1) {
        shard = CoachingShard(
            configuration: CoachingShard.Configuration(settings: settings, loopIndex: loopIndex, loopCount: loopCount),
            shell: shell, stats: stats)
    }

    /// Moves both clocks forward.
    func advance(ms: Int64) {
        time.monotonicMs += ms
        time.wallMs += ms
    }

    static func user(_ name: String) -> AuthenticatedUser {
        let id = "00000000-0000-4000-8000-" + String(repeating: "0", count: max(0, 12 - name.utf8.count)) + name.prefix(12)
        return AuthenticatedUser(
            user: User(id: id, name: name, displayName: name.capitalized, timeZone: "UTC", createdAtMs: 0),
            scope: .ingest, tokenId: "t-\(name)",
            profile: UserProfile(privacy: .defaults, memberships: [], baseline: nil, recentDays: []))
    }

    /// A connection that opened without a header token (it must send `hello`).
    func open() -> CoachingConnection {
        let id = nextConnection
        nextConnection += 1
        return shard.opened(id: id, bearerToken: nil, at: time)
    }

    /// A connection authenticated as `user` with `scope` through `hello`.
    func connect(_ user: AuthenticatedUser, scope: TokenScope = .ingest) -> CoachingConnection {
        let connection = open()
        send(connection, ["type": "hello", "token": "fc_i_x_y"])
        var authenticated = user
        authenticated.scope = scope
        shard.tokenChecked(connection, outcome: .valid(authenticated), at: time)
        return connection
    }

    /// Sends one JSON message as a text frame would carry it.
    func send(_ connection: CoachingConnection, _ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        data.withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
    }

    /// The last message `connection` received.
    func last(_ connection: CoachingConnection) -> [String: Any] { shell.last(to: connection.id) ?? [:] }

    /// `session.start` for a session this server does not hold: the store says it is not
    /// stored (or answers `outcome`).
    func start(
        _ connection: CoachingConnection, _ session: String, atMs: Int64? = nil, outcome: SessionLookupOutcome = .notFound
    ) {
        send(connection, ["type": "session.start", "session": session, "project": "p", "language": "swift",
                          "at_ms": atMs ?? time.wallMs - 60_000])
        guard let request = shell.lookUps.last, request.session.description == session else { return }
        shard.sessionLookedUp(connection, request: request, outcome: outcome, at: time)
    }

    /// One active window of `seq` ending `atMs` (default: now).
    func activity(_ connection: CoachingConnection, _ session: String, seq: Int64, atMs: Int64? = nil,
                  windowMs: Int64 = 5_000, keystrokes: Int = 30, switches: Int = 0) {
        send(connection, [
            "type": "activity", "session": session, "seq": seq, "at_ms": atMs ?? time.wallMs, "window_ms": windowMs,
            "keystrokes": keystrokes, "keystroke_intervals": Array(repeating: 150, count: min(keystrokes, 512)),
            "context_switches": switches, "error_events": 0, "focus_ms": windowMs, "files_modified": 1,
            "lines_added": 2, "lines_deleted": 1,
        ])
    }

    /// Runs ticks until `ms` of monotonic time have passed.
    func tick(for ms: Int64) {
        var left = ms
        while left > 0 {
            let step = min(left, CoachingShard.tickIntervalMs)
            advance(ms: step)
            left -= step
            shard.tick(at: time)
        }
    }

    /// Acknowledges every checkpoint handed to the writer so far, as the writer would.
    func acknowledgeCheckpoints() {
        let acks = shell.checkpoints.map { DurableAck(sessionId: $0.sessionId, userId: $0.userId, seq: $0.seq) }
        shard.durable(acks, at: time)
    }

    static func newSession() -> String { UUID().uuidString.lowercased() }
}
