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
    /// A queued job ends the linger. Longer means larger transactions — less CPU and fewer
    /// syncs per checkpoint — and `durable` acknowledgements up to that much later
    /// (`database.commit_delay_ms`).
    public var maxBatchDelayMs: Int = 2
    /// First retry delay after a transient store failure; doubles per attempt.
    public var retryInitialDelayMs: Int = 50
    /// Upper bound of the retry delay.
    public var retryMaxDelayMs: Int = 5_000
    /// The spill journal's file (`SpillJournal`), or nil for none. With a journal, a store
    /// outage that lets the queue grow past `spillAfterQueuedRecords` no longer stalls the
    /// writer: batches are appended to the journal (fsync'd), acked, and replayed once the
    /// store answers again (docs/STORAGE.md).
    public var spillJournalPath: String?
    /// Queued records past which a failing batch is spilled instead of retried (the memory
    /// bound). 0 spills at the first transient failure.
    public var spillAfterQueuedRecords: Int = 16_384

    public init(
        queueCapacity: Int = 65_536, maxBatchRecords: Int = 4_096, maxBatchDelayMs: Int = 2,
        retryInitialDelayMs: Int = 50, retryMaxDelayMs: Int = 5_000, spillJournalPath: String? = nil,
        spillAfterQueuedRecords: Int = 16_384
    ) {
        self.queueCapacity = max(1, queueCapacity)
        self.maxBatchRecords = max(1, maxBatchRecords)
        self.maxBatchDelayMs = max(0, maxBatchDelayMs)
        self.retryInitialDelayMs = max(1, retryInitialDelayMs)
        self.retryMaxDelayMs = max(self.retryInitialDelayMs, retryMaxDelayMs)
        self.spillJournalPath = spillJournalPath
        self.spillAfterQueuedRecords = max(0, spillAfterQueuedRecords)
    }
}
