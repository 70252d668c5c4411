import CoachingCore
import LoopKit
import WSProtocol

/// One accepted TCP connection, owned by one loop at a time: the loop that accepted it,
/// or — once, right after authentication on `/v1/ws` — the user's home loop
/// (docs/ARCHITECTURE.md "Where a user's state lives").
///
/// Kept small: an idle WebSocket holds no buffers of its own. Output is produced into the
/// loop's shared cork buffer and only what the kernel did not take is copied into
/// `pendingOutput`; partial frames are held by the endpoint only while incomplete, and the
/// storage it keeps for reuse is released when the idle sweep pings the connection.
final class ClientConnection {
    /// What the bytes on this connection currently mean.
    enum Phase {
        /// Reading the HTTP request (upgrade or plain).
        case readingRequest
        /// RFC 6455 framing after a successful upgrade.
        case webSocket
        /// Output is being flushed, then the socket closes; input is discarded.
        case closingAfterFlush
        /// Our side is half-closed; waiting (briefly) for the peer's FIN so that unread
        /// input does not turn our close into a reset that could destroy our last bytes.
        case lingering
    }

    /// Which handler owns the WebSocket messages.
    enum Route {
        case none
        case echo
        /// The coaching protocol (`/v1/ws`).
        case coaching
    }

    // Stored properties are declared widest first, because Swift lays a class out in
    // declaration order and every idle connection pays for the padding: 200 heap bytes
    // after an upgrade, the sweep's check position included (IdleConnectionSizeTests;
    // docs/BENCHMARKS.md "RSS per idle connection"); 8 bytes more would take it to the next
    // malloc size class (216).

    /// Epoll token (`generation << 32 | slot`) in the owning loop's table; changes when the
    /// connection moves to its user's home loop.
    var token: UInt64
    /// Monotonic time of the last byte received (liveness for idle pings).
    var lastReceivedMs: Int64
    /// When the current phase times out (handshake, close reply).
    var deadlineMs: Int64
    /// The TLS session on a `wss://` connection; nil on plaintext.
    var tls: BoxedTLSSession?
    /// Coaching-protocol state (`/v1/ws` only), owned by the loop's coaching shard.
    var coaching: CoachingConnection?
    /// What only the HTTP phase needs, in a box of its own: an idle WebSocket holds a nil
    /// reference instead of the parser, an API body and a held-back 101 (about 225 bytes
    /// of the object, inline even when nil).
    private var setup: SetupState? = SetupState()
    /// Output the kernel has not accepted yet and how long the reader has made no progress,
    /// in a box of its own that exists only while output waits (a slow reader): otherwise
    /// the shared empty one, so that an idle connection holds one reference instead of 24
    /// bytes inline, and reading it needs no optional check. Unchecked exclusivity: touched
    /// only by the loop thread, through the two properties below, whose accesses never nest.
    @exclusivity(unchecked) private var backlog = OutputBacklog.nothingWaiting
    let peer: PeerAddress
    var phase: Phase = .readingRequest
    var route: Route = .none
    let fd: Int32
    /// Where this connection's check sits in the loop's queue (`ConnectionChecks`): kept
    /// here, where the object had room, rather than in an array beside the table.
    var checkPosition = ConnectionChecks.notQueued
    /// `@exclusivity(unchecked)`: used by the owning loop's thread only, each use one call on
    /// the endpoint that does not reach the loop again (it writes into the buffer it is
    /// given), so accesses cannot overlap; the run-time check cost one or two access-set
    /// updates per frame.
    @exclusivity(unchecked) var endpoint: WebSocketEndpoint?
    /// Whether EPOLLOUT is armed (only while `pendingOutput` is non-empty).
    var wantsWritable = false
    /// Pings sent since the peer last sent anything.
    var unansweredPings: UInt8 = 0
    /// No reads while an answer from another thread is awaited (see `stashedInput`).
    var isInputPaused = false
    /// Counted in the per-IP limiter (released once, on close).
    var countedPerIP = false
    /// Accepted past `limits.connections_per_ip`: its request gets a 429.
    var overIPLimit = false

    /// Bytes the kernel has not accepted yet (empty, without capacity, when idle). Writing it
    /// creates the connection's own backlog box only when bytes stay behind, and gives the
    /// box up once they are gone and the storage is released.
    var pendingOutput: ByteWriter {
        // Inlined: the loop reads and resets this on every write.
        @inline(__always) get { backlog.bytes }
        @inline(__always) _modify {
            if backlog.isShared {
                var bytes = backlog.bytes
                yield &bytes
                if !bytes.isEmpty { backlog = OutputBacklog(bytes: bytes) }
            } else {
                yield &backlog.bytes
                if backlog.bytes.isEmpty && backlog.bytes.capacity == 0 { backlog = .nothingWaiting }
            }
        }
    }

    /// Whether bytes wait for the kernel. Two field loads: reading `pendingOutput` itself
    /// copies the box's bytes out, an atomic retain and release of the box every loop
    /// shares while nothing waits, once per write on the common path.
    var hasPendingOutput: Bool {
        @inline(__always) get { !backlog.isShared && !backlog.bytes.isEmpty }
    }

    /// Monotonic time the peer last took output from us, or when output started waiting
    /// (the slow-reader rule judges by how long a reader makes no progress). Kept only
    /// where it can matter: while output waits (in the backlog box), and on a TLS
    /// connection, whose session may hold plaintext the rule counts while nothing waits
    /// here (in the TLS box). Elsewhere nothing is queued and the rule never reads it.
    var lastOutputProgressMs: Int64 {
        get { backlog.isShared ? tls?.lastOutputProgressMs ?? 0 : backlog.progressMs }
        set {
            if !backlog.isShared { backlog.progressMs = newValue }
            tls?.lastOutputProgressMs = newValue
        }
    }

    /// The request parser until a complete head arrived.
    var requestParser: HTTPRequestParser? {
        get { setup?.requestParser }
        _modify {
            let box = setupState()
            yield &box.requestParser
            releaseSetupIfDone()
        }
    }
    /// An API request whose body is still arriving (still in the `readingRequest` phase).
    var pendingAPIBody: APIBody? {
        get { setup?.pendingAPIBody }
        _modify {
            let box = setupState()
            yield &box.pendingAPIBody
            releaseSetupIfDone()
        }
    }
    /// Input is paused while an answer from another thread is awaited (token check,
    /// session look-up): no reads, and the bytes already read but not yet processed wait
    /// here (at most one read's worth; see `isInputPaused`). In the setup box: it is
    /// rarely anything but empty, and an idle connection should not pay for it.
    var stashedInput: [UInt8] {
        get { setup?.stashedInput ?? [] }
        _modify {
            let box = setupState()
            yield &box.stashedInput
            releaseSetupIfDone()
        }
    }
    /// The 101 answer held back while a Bearer token is checked.
    var pendingHandshake: HandshakeResponse? {
        get { setup?.pendingHandshake }
        _modify {
            let box = setupState()
            yield &box.pendingHandshake
            releaseSetupIfDone()
        }
    }

    init(fd: Int32, token: UInt64, peer: PeerAddress, nowMs: Int64, handshakeDeadlineMs: Int64) {
        self.fd = fd
        self.token = token
        self.peer = peer
        self.lastReceivedMs = nowMs
        self.deadlineMs = handshakeDeadlineMs
    }

    /// Slot in the loop's connection table (low 32 bits of the epoll token).
    var slot: Int { Int(UInt32(truncatingIfNeeded: token)) }

    private func setupState() -> SetupState {
        if let setup { return setup }
        let created = SetupState(parser: nil)
        setup = created
        return created
    }

    private func releaseSetupIfDone() {
        if let setup, setup.isEmpty { self.setup = nil }
    }
}

/// Output waiting for a slow reader. `@unchecked Sendable`: a connection's own box is
/// touched only by the connection's loop thread; the shared empty one
/// (``nothingWaiting``) is never written (`pendingOutput` writes a copy of its bytes), so
/// every loop may read it.
private final class OutputBacklog: @unchecked Sendable {
    static let nothingWaiting = OutputBacklog(bytes: ByteWriter(), isShared: true)

    @exclusivity(unchecked) var bytes: ByteWriter
    @exclusivity(unchecked) var progressMs: Int64 = 0
    let isShared: Bool

    init(bytes: consuming ByteWriter, isShared: Bool = false) {
        self.bytes = bytes
        self.isShared = isShared
    }
}

/// The HTTP phase's state of a ``ClientConnection`` (owned by the connection's loop thread).
private final class SetupState {
    var requestParser: HTTPRequestParser?
    var pendingAPIBody: APIBody?
    var pendingHandshake: HandshakeResponse?
    var stashedInput: [UInt8] = []

    init(parser: HTTPRequestParser? = HTTPRequestParser()) {
        requestParser = parser
    }

    var isEmpty: Bool {
        requestParser == nil && pendingAPIBody == nil && pendingHandshake == nil && stashedInput.isEmpty
    }
}
