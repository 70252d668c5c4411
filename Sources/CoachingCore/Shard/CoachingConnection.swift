/// What the coaching protocol keeps per `/v1/ws` connection. The shell holds it beside its
/// socket and passes it with every input; the shard owns what is inside.
///
/// A reference type so that the shard can find a session's carrier without a look-up, and
/// the shell can hand it over to another loop together with its socket.
public final class CoachingConnection {
    /// The shell's name for the connection; the shell updates it when the connection moves
    /// to its user's home loop (``CoachingShard/adopted(_:user:helloRef:at:)``).
    /// `@exclusivity(unchecked)`: read by every send and set only on that adoption, by the
    /// thread of the loop holding the connection; no access spans a call, so the run-time
    /// check (one per message sent) guards nothing.
    @exclusivity(unchecked) public var id: ConnectionID
    // Exclusivity: `user`, `bucket`, `consecutiveErrors`, `scope` and `closing` are read or
    // set by every message, by the shard's loop thread alone, and no access spans a call
    // that could reach them again (`TokenBucket.take` calls nothing), so their run-time
    // checks (about 76 instructions each) guard nothing here.
    /// The authenticated user's state on this (home) loop; nil until the token checked out.
    @exclusivity(unchecked) public var user: UserState?
    /// The public id of the token that authenticated it (a revocation closes it).
    public var tokenId: String?
    /// Messages-per-second limit.
    @exclusivity(unchecked) public var bucket: TokenBucket
    /// Rejected messages in a row (a client that keeps sending garbage is closed).
    @exclusivity(unchecked) public var consecutiveErrors = 0
    /// Monotonic time by which `hello` must have arrived (unauthenticated connections).
    public var helloDeadlineMs: Int64
    private var helloRefBox: HelloRefBox?
    // Swift lays a class out in declaration order: the one-byte fields follow the carried
    // sessions, in their optional's padding (every connection pays for padding).
    /// Open sessions this connection currently carries.
    // Exclusivity: read by every `activity` to find its session. Only the shard's loop
    // thread reaches it, and no access is held across a call that could reach it again
    // (the look-up returns the session; removals take a closure that compares only), so
    // the run-time check (about 60 instructions) guards nothing here.
    @exclusivity(unchecked) public var sessions: CarriedSessions = []
    @exclusivity(unchecked) public var scope: TokenScope = .read
    /// The token came in the upgrade's `Authorization` header: a refusal is an HTTP answer.
    public var authenticatesByHeader = false
    /// A token check (or hand-over) is in flight.
    public internal(set) var authenticating = false
    /// The connection has been told to close: nothing more is processed from it.
    @exclusivity(unchecked) public var closing = false
    /// The `id` of the `hello` being checked (the welcome echoes it as `ref`). Boxed: it
    /// lives only while a token check is in flight, and inline it would cost every
    /// connection 80 bytes for its whole life.
    public var helloRef: RequestID? {
        get { helloRefBox?.ref }
        set { helloRefBox = newValue.map(HelloRefBox.init) }
    }

    public init(id: ConnectionID, nowMs: Int64, burst: Int, helloDeadlineMs: Int64) {
        self.id = id
        bucket = TokenBucket(nowMs: nowMs, burst: burst)
        self.helloDeadlineMs = helloDeadlineMs
    }

    /// The token checked out and the connection belongs to a user on this loop.
    public var isAuthenticated: Bool { user != nil }
    public var userId: String? { user?.userId }
}

/// A `hello`'s request id while its token is checked.
private final class HelloRefBox {
    let ref: RequestID

    init(_ ref: RequestID) { self.ref = ref }
}

/// A token bucket in thousandths of a message, refilled by elapsed monotonic time.
public struct TokenBucket {
    private var milliTokens: Int64
    private var lastMs: Int64

    public init(nowMs: Int64, burst: Int) {
        milliTokens = Int64(burst) * 1_000
        lastMs = nowMs
    }

    /// Takes one message's token; false when the bucket is empty (`rate_limited`).
    public mutating func take(nowMs: Int64, perSecond: Int, burst: Int) -> Bool {
        let elapsed = max(0, nowMs - lastMs)
        lastMs = nowMs
        milliTokens = min(Int64(burst) * 1_000, milliTokens + elapsed * Int64(perSecond))
        guard milliTokens >= 1_000 else { return false }
        milliTokens -= 1_000
        return true
    }
}
