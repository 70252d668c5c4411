import FlowEngine
public import WSProtocol

/// What a ``CoachingShard`` asks its shell to do. Every action names the one connection it
/// concerns; the shell never has to guess whose output a byte is.
public enum CoachingAction {
    /// Send one text message. The payload is valid only during the call: the shell frames
    /// it into that connection's output at once.
    case send(ConnectionID, UnsafeRawBufferPointer)
    /// Send a channel snapshot through the shell's delivery path (which knows whether
    /// the connection is backed up and keeps only the latest frame for slow readers).
    case deliverSnapshot(ConnectionID, ChannelEvent)
    /// Fan out an event the shard made (`stats:me`) to this loop's subscribers.
    case publishLocally(ChannelEvent)
    /// Start the closing handshake with `code` (the connection stays until the peer replies).
    case close(ConnectionID, CloseCode, reason: String)
    /// Answer the held upgrade request with an HTTP error and close (a Bearer token that
    /// did not check out: 401; the account store away: 503).
    case refuseUpgrade(ConnectionID, status: Int, reason: String)
    /// Check `token` (and load the user's profile from `fromDay`); answer with
    /// ``CoachingShard/tokenChecked(_:outcome:at:)``. Input stays paused until then.
    case checkToken(ConnectionID, token: String, fromDay: String)
    /// Look a session up in the store; answer with
    /// ``CoachingShard/sessionLookedUp(_:request:outcome:at:)``. Input stays paused until then.
    case lookUpSession(ConnectionID, SessionStartRequest)
    /// An answer the connection was waiting for has been handled: read from it again.
    case resumeInput(ConnectionID)
    /// The user's state lives on another loop: move the connection there (once).
    case handOver(ConnectionID, homeLoop: Int, AuthenticatedUser, helloRef: RequestID?)
    /// Time for the leaderboard owner.
    case leaderboard(LeaderboardInput)
}

/// A connection as the shell names it (its token in the owning loop's table).
public typealias ConnectionID = UInt64
