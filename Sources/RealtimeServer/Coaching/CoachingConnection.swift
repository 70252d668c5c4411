import CoachingCore
import WSProtocol

/// What the coaching protocol keeps per `/v1/ws` connection (inside `ClientConnection`).
struct CoachingConnection {
    /// The authenticated user; nil until the token checked out.
    var userId: String?
    /// That user's state on this (home) loop, kept here so a message needs no lookup.
    var user: UserState?
    var scope: TokenScope = .read
    /// Messages-per-second limit.
    var bucket: TokenBucket
    /// Rejected messages in a row (a client that keeps sending garbage is closed).
    var consecutiveErrors = 0
    /// Sessions this connection currently carries.
    var sessions: [SessionID] = []
    /// The 101 answer held back while a Bearer token is checked.
    var pendingHandshake: HandshakeResponse?
    /// A token check (or hand-over) is in flight.
    var authenticating = false
    /// The `id` of the `hello` being checked (the welcome echoes it as `ref`).
    var helloRef: RequestID?

    init(nowMs: Int64, burst: Int) {
        bucket = TokenBucket(nowMs: nowMs, burst: burst)
    }

    var isAuthenticated: Bool { userId != nil }
}

/// A token bucket in thousandths of a message, refilled by elapsed monotonic time.
struct TokenBucket {
    private var milliTokens: Int64
    private var lastMs: Int64

    init(nowMs: Int64, burst: Int) {
        milliTokens = Int64(burst) * 1_000
        lastMs = nowMs
    }

    /// Takes one message's token; false when the bucket is empty (`rate_limited`).
    mutating func take(nowMs: Int64, perSecond: Int, burst: Int) -> Bool {
        let elapsed = max(0, nowMs - lastMs)
        lastMs = nowMs
        milliTokens = min(Int64(burst) * 1_000, milliTokens + elapsed * Int64(perSecond))
        guard milliTokens >= 1_000 else { return false }
        milliTokens -= 1_000
        return true
    }
}
