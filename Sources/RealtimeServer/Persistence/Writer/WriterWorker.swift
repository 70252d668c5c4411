import Foundation
import Synchronization

/// The writer thread's loop: take from the queue, coalesce, commit with retry, ack.
final class WriterWorker: Sendable {
    private let store: any Store
    private let queue: WriterQueue
    private let configuration: WriterConfiguration
    private let metrics: WriterMetrics
    private let onDurable: @Sendable ([DurableAck]) -> Void
    private let onRejected: @Sendable ([PersistenceRecord], StoreError) -> Void
    /// Uptime nanoseconds after which shutdown stops retrying (Int.max = not shutting down).
    private let shutdownDeadlineNanos = Atomic<Int>(.max)

    init(
        store: any Store, queue: WriterQueue, configuration: WriterConfiguration, metrics: WriterMetrics,
        onDurable: @escaping @Sendable ([DurableAck]) -> Void,
        onRejected: @escaping @Sendable ([PersistenceRecord], StoreError) -> Void
    ) {
        self.store = store
        self.queue = queue
        self.configuration = configuration
        self.metrics = metrics
        self.onDurable = onDurable
        self.onRejected = onRejected
    }

    func setShutdownDeadline(afterMs ms: Int) {
        shutdownDeadlineNanos.store(Self.uptimeNanos() + ms * 1_000_000, ordering: .relaxed)
    }

    private static func uptimeNanos() -> Int { Int(DispatchTime.now().uptimeNanoseconds) }

    /// The thread body. Returns after shutdown, once the queue is empty.
    func run() {
        while true {
            let items = queue.take(maxItems: configuration.maxBatchRecords, lingerMs: configuration.maxBatchDelayMs)
            if items.isEmpty { break }  // closed and drained
            var batch = WriterBatch()
            for item in items {
                switch item {
                case .record(let record):
                    batch.add(record)
                case .job(let job):
                    commit(&batch)  // everything before the job first
                    job(store)
                }
            }
            commit(&batch)
        }
        queue.markFinished()
    }

    /// Commits `batch` (retrying transient failures), acks it, and empties it.
    private func commit(_ batch: inout WriterBatch) {
        guard !batch.isEmpty else { return }
        defer { batch = WriterBatch() }
        var delayMs = configuration.retryInitialDelayMs
        while true {
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                try store.writeBatch(batch.checkpoints, baselines: batch.baselines)
                let micros = Int((DispatchTime.now().uptimeNanoseconds &- started) / 1_000)
                metrics.recordCommit(records: batch.count, micros: micros)
                let acks = batch.acks
                if !acks.isEmpty { onDurable(acks) }
                return
            } catch {
                metrics.recordFailure()
                guard error.isTransient else {
                    commitSeparately(batch, after: error)
                    return
                }
                // Spill seam (issue 6): past a memory bound, append `batch` to an fsync'd
                // journal here, ack it, and replay the journal once the store is back.
                if Self.uptimeNanos() >= shutdownDeadlineNanos.load(ordering: .relaxed) {
                    metrics.abandonedRecords.add(batch.count, ordering: .relaxed)
                    return
                }
                if queue.isClosed {
                    Thread.sleep(forTimeInterval: Double(delayMs) / 1000)
                } else {
                    _ = queue.sleep(ms: delayMs)
                }
                delayMs = min(delayMs * 2, configuration.retryMaxDelayMs)
            }
        }
    }

    /// After a permanent failure: commits each record on its own, so one bad record costs
    /// only itself. A single record that fails permanently is dropped and reported.
    private func commitSeparately(_ batch: WriterBatch, after error: StoreError) {
        let records = batch.records
        guard records.count > 1 else {
            metrics.rejectedRecords.add(records.count, ordering: .relaxed)
            onRejected(records, error)
            return
        }
        for record in records {
            var single = WriterBatch()
            single.add(record)
            commit(&single)
        }
    }
}
