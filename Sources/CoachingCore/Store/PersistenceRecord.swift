/// What the event loops hand to the `PersistenceWriter`.
public enum PersistenceRecord: Sendable, Hashable {
    /// A session checkpoint (at least every 30 s per live session, and at session end).
    case checkpoint(SessionCheckpoint)
    /// A user's detector baseline.
    case baseline(BaselineRecord)
}

/// "Everything of this session up to `seq` is stored": posted by the server to the loop
/// that owns the session, which sends `{"type":"durable","session":…,"seq":…}`.
public struct DurableAck: Sendable, Hashable {
    public var sessionId: String
    public var userId: String
    public var seq: Int64

    public init(sessionId: String, userId: String, seq: Int64) {
        self.sessionId = sessionId
        self.userId = userId
        self.seq = seq
    }
}
