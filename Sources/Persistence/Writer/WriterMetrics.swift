import Synchronization

/// Live counters of the `PersistenceWriter`, readable from any thread (the `/metrics`
/// route) through `snapshot()`. Written by the writer thread and by `enqueue` callers;
/// relaxed atomics.
public final class WriterMetrics: Sendable {
    /// Records and jobs waiting in the queue.
    let queueDepth = Atomic<Int>(0)
    /// `enqueue`/`submit` calls refused because the queue was full or closed.
    let enqueueRefused = Atomic<Int>(0)
    /// Transactions committed.
    let batchesCommitted = Atomic<Int>(0)
    /// Records (after coalescing) in committed transactions.
    let recordsCommitted = Atomic<Int>(0)
    /// Records in the last committed transaction.
    let lastBatchSize = Atomic<Int>(0)
    /// Largest transaction so far.
    let maxBatchSize = Atomic<Int>(0)
    /// Duration of the last commit (`writeBatch`), microseconds.
    let lastCommitMicros = Atomic<Int>(0)
    /// Sum of all commit durations, microseconds (with `batchesCommitted`: the mean).
    let totalCommitMicros = Atomic<Int>(0)
    /// Failed `writeBatch` calls (each retry that fails counts).
    let failures = Atomic<Int>(0)
    /// Failed `writeBatch` calls since the last successful commit (0 = the store is
    /// answering: `/readyz` reports ready).
    let consecutiveFailures = Atomic<Int>(0)
    /// Records dropped because the store rejected them permanently (constraint errors).
    let rejectedRecords = Atomic<Int>(0)
    /// Checkpoints not kept (and never acked) because their session id is stored under
    /// another user.
    let conflictingCheckpoints = Atomic<Int>(0)
    /// Records still unwritten when shutdown gave up (never acked; clients replay them).
    let abandonedRecords = Atomic<Int>(0)
    /// Records appended to the spill journal while the store was down (acked from there).
    let spilledRecords = Atomic<Int>(0)
    /// Records replayed from the spill journal into the store.
    let replayedRecords = Atomic<Int>(0)
    /// Current size of the spill journal (0 = nothing waiting for replay).
    let journalBytes = Atomic<Int>(0)

    public init() {}

    /// A consistent-enough copy for printing.
    public func snapshot() -> Snapshot {
        Snapshot(
            queueDepth: queueDepth.load(ordering: .relaxed), enqueueRefused: enqueueRefused.load(ordering: .relaxed),
            batchesCommitted: batchesCommitted.load(ordering: .relaxed), recordsCommitted: recordsCommitted.load(ordering: .relaxed),
            lastBatchSize: lastBatchSize.load(ordering: .relaxed), maxBatchSize: maxBatchSize.load(ordering: .relaxed),
            lastCommitMicros: lastCommitMicros.load(ordering: .relaxed), totalCommitMicros: totalCommitMicros.load(ordering: .relaxed),
            failures: failures.load(ordering: .relaxed),
            consecutiveFailures: consecutiveFailures.load(ordering: .relaxed), rejectedRecords: rejectedRecords.load(ordering: .relaxed),
            conflictingCheckpoints: conflictingCheckpoints.load(ordering: .relaxed),
            abandonedRecords: abandonedRecords.load(ordering: .relaxed), spilledRecords: spilledRecords.load(ordering: .relaxed),
            replayedRecords: replayedRecords.load(ordering: .relaxed), journalBytes: journalBytes.load(ordering: .relaxed))
    }

    /// Plain values of every counter.
    public struct Snapshot: Sendable, Hashable {
        public var queueDepth: Int
        public var enqueueRefused: Int
        public var batchesCommitted: Int
        public var recordsCommitted: Int
        public var lastBatchSize: Int
        public var maxBatchSize: Int
        public var lastCommitMicros: Int
        public var totalCommitMicros: Int
        public var failures: Int
        public var consecutiveFailures: Int
        public var rejectedRecords: Int
        public var conflictingCheckpoints: Int
        public var abandonedRecords: Int
        public var spilledRecords: Int
        public var replayedRecords: Int
        public var journalBytes: Int

        /// The last write reached the store (for `/readyz`).
        public var storeAvailable: Bool { consecutiveFailures == 0 }
    }

    func recordCommit(records: Int, micros: Int) {
        batchesCommitted.add(1, ordering: .relaxed)
        recordsCommitted.add(records, ordering: .relaxed)
        lastBatchSize.store(records, ordering: .relaxed)
        _ = maxBatchSize.max(records, ordering: .relaxed)
        lastCommitMicros.store(micros, ordering: .relaxed)
        totalCommitMicros.add(micros, ordering: .relaxed)
        consecutiveFailures.store(0, ordering: .relaxed)
    }

    func recordFailure() {
        failures.add(1, ordering: .relaxed)
        consecutiveFailures.add(1, ordering: .relaxed)
    }
}
