import LoopKit
import WSProtocol

/// One simulated client's socket and protocol state, owned by one `SoakLoop` (its thread
/// only). The pure parts it glues together: `ClientHandshake`, `WebSocketEndpoint`,
/// `SessionLedger`/`ActivityGenerator` (editors) and `ChannelRateCheck` (dashboards).
final class SoakConnection {
    enum Phase: Equatable {
        /// Not opened yet (ramp-up).
        case pending
        /// TCP connect in progress.
        case connecting
        /// TLS handshake in progress.
        case tlsHandshake
        /// Upgrade request sent, response head awaited.
        case upgrading
        /// WebSocket open.
        case open
        /// We sent a Close and await the reply.
        case closing
        /// Disconnected; a reconnect timer is armed.
        case waitingToReconnect
        /// Finished for good.
        case done
    }

    let slot: Int32
    let spec: ConnectionSpec
    /// Bumped whenever the socket closes, so stale events and timers are dropped.
    var generation: UInt32 = 0
    var phase = Phase.pending
    var fd: Int32 = -1
    /// The `wss://` session (LoopKit's, over memory BIOs): `output` is its plaintext.
    var tls: TLSSession?
    /// Ciphertext the session produced that the socket has not taken yet.
    var ciphertext = ByteWriter()
    var handshake: ClientHandshake?
    /// Response head bytes until the upgrade completes.
    var head: [UInt8] = []
    var endpoint: WebSocketEndpoint?
    /// Bytes to write (WebSocket frames, or the upgrade request); plaintext under TLS.
    var output = ByteWriter()
    /// In the loop's dirty list.
    var isDirty = false
    /// EPOLLOUT armed.
    var watchesWrite = false
    /// Consecutive failed connects (backoff).
    var failures = 0
    /// When the socket was opened (for connect timeouts).
    var openedAtNs: UInt64 = 0
    /// Opened at least once successfully.
    var everConnected = false
    /// Per-connection randomness: masking keys, activity shapes, jitter.
    var random: FastRandom
    /// The editor's session, when the role is an editor.
    var editor: EditorSession?
    /// The dashboard's channel checks.
    var channels: [ChannelRateCheck] = []
    /// When the dashboard's WebSocket opened.
    var openedWebSocketAtNs: UInt64 = 0
    /// The server dropped this editor's session and it is not back yet (a reconnect storm).
    var awaitingResume = false

    init(slot: Int32, spec: ConnectionSpec, random: FastRandom) {
        self.slot = slot
        self.spec = spec
        self.random = random
    }

    var token: UInt64 { UInt64(UInt32(bitPattern: slot)) | UInt64(generation) << 32 }

    var isEditor: Bool {
        if case .editor = spec.role { return true }
        return false
    }
}

/// An editor's current session: the simulated person, the sequence ledger and where the
/// session is in its life. A class so the loop mutates it in place (its ledger holds arrays).
final class EditorSession {
    enum Stage: Equatable {
        /// `session.start` sent (first or resume), `session.started` awaited.
        case starting
        /// Sending activities.
        case active
        /// `session.end` sent, `session.summary` awaited.
        case ending
        /// Summary received (or given up): nothing more for this session.
        case ended
    }

    var key: SessionKey
    var generator: ActivityGenerator
    var ledger: SessionLedger
    var stage = Stage.starting
    var project: String
    var language: String
    /// Next activity due (interval mode), or the paced send armed (interval 0 with a rate cap).
    var nextSendNs: UInt64 = 0
    /// Interval 0 with a rate cap: earliest time of the next send.
    var nextAllowedNs: UInt64 = 0
    /// Sessions this connection has run (rolling sessions).
    var number: Int
    /// When `session.end` was sent.
    var endSentAtNs: UInt64 = 0
    /// `session.end` is owed (sent again after a resume if the connection dropped).
    var wantsEnd = false
    /// Randomness of the activity shapes (seeded from the run's seed: reproducible people).
    var shapes: FastRandom

    init(key: SessionKey, generator: ActivityGenerator, shapes: FastRandom, project: String, language: String, number: Int) {
        self.key = key
        self.generator = generator
        self.shapes = shapes
        self.ledger = SessionLedger(session: key)
        self.project = project
        self.language = language
        self.number = number
    }
}
