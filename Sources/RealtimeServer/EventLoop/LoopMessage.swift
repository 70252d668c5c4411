import CoachingCore
import LoopKit

/// Work sent to an event loop from another thread.
enum LoopMessage: Sendable {
    /// Graceful shutdown: stop accepting, close WebSockets with 1001, drain until `deadlineMs`.
    case shutdown(deadlineMs: Int64)
    /// An authenticated connection moving to its user's home loop.
    case adopt(ConnectionTransfer)
    /// The reader's answer to a token check for the connection `token` of this loop.
    case authenticated(token: UInt64, outcome: AuthOutcome)
    /// The reader's answer to a stored-session look-up (resume after a restart).
    case sessionLookup(token: UInt64, request: SessionStartRequest, outcome: SessionLookupOutcome)
    /// The writer committed checkpoints of sessions owned by this loop.
    case durable([DurableAck])
    /// A channel event from the leaderboard owner, for this loop's subscribers.
    case publish(ChannelEvent)
    /// An HTTP API answer computed by the reader for connection `token`.
    case httpResponse(token: UInt64, response: HTTPAnswer)
    /// Tokens revoked in the store: close the connections still open with them.
    case tokensRevoked(Set<String>)
    /// The user's data was purged: forget their live state and subscriptions at once.
    case purgeUser(userId: String)
    /// Several nodes: another node takes the user over, or this node lost its cluster
    /// session. Close the user's sockets with 1012 and forget them (their home loop only).
    case relinquishUser(userId: String)
    /// Heartbeats changed the user's stored days by `added` (per day): `stats:me` follows.
    case storedDaysChanged(userId: String, added: [UserDayTotals])
    /// Several nodes: the user's privacy settings changed through another node (or the
    /// admin CLI): the owner's copy follows (its home loop only).
    case privacyChanged(userId: String, settings: PrivacySettings)
    /// The answer to a store job this loop's shard submitted.
    case storeJobAnswered(StoreJobAnswer)
    /// Goals set or removed in the store (the CLI, another node): users homed here follow.
    case goalsChanged([GoalChange])
}

/// An event loop's mailbox: LoopKit's queue + eventfd, carrying `LoopMessage`s.
typealias LoopMailbox = Mailbox<LoopMessage>
