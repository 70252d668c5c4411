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

/// Tuning of the `PersistenceWriter`. Defaults suit SQLite on one disk.
public struct WriterConfiguration: Sendable, Hashable {
    /// Records (plus jobs) the queue holds before `enqueue` refuses. Checkpoints are
    /// cumulative, so this bounds memory, not data: a refused checkpoint is superseded by
    /// the session's next one.
    public var queueCapacity: Int = 65_536
    /// Most records committed in one transaction.
    public var maxBatchRecords: Int = 4_096
    /// How long the writer lingers after the first queued record to gather more before
    /// committing (0 = commit whatever is there at once; the commit time itself batches).
    public var maxBatchDelayMs: Int = 2
    /// First retry delay after a transient store failure; doubles per attempt.
    public var retryInitialDelayMs: Int = 50
    /// Upper bound of the retry delay.
    public var retryMaxDelayMs: Int = 5_000

    public init(
        queueCapacity: Int = 65_536, maxBatchRecords: Int = 4_096, maxBatchDelayMs: Int = 2,
        retryInitialDelayMs: Int = 50, retryMaxDelayMs: Int = 5_000
    ) {
        self.queueCapacity = max(1, queueCapacity)
        self.maxBatchRecords = max(1, maxBatchRecords)
        self.maxBatchDelayMs = max(0, maxBatchDelayMs)
        self.retryInitialDelayMs = max(1, retryInitialDelayMs)
        self.retryMaxDelayMs = max(self.retryInitialDelayMs, retryMaxDelayMs)
    }
}
