public import CoachingCore
import CLinux
import Foundation
import Synchronization

/// The asynchronous persistence writer: one thread that owns the `Store`, fed by the event
/// loops through a bounded queue, committing in groups and reporting what is durable.
///
/// ## Contract with the event loops (docs/STORAGE.md "Writer")
///
/// - `enqueue(_:)` never blocks and never throws. `true`: the writer owns the record now.
///   `false`: the queue is full (the store is slow or down) or the writer is shutting down;
///   the loop keeps its data (a checkpoint is cumulative, so it just keeps the session marked
///   dirty, keeps the flow periods not yet accepted) and tries again on its next checkpoint
///   tick. Nothing is lost: unacked data is still held by the loop, and by the client.
/// - After a transaction commits, `onDurable` is called on the writer thread with one
///   `DurableAck` per session in the batch (its highest seq). It must not block: the server
///   posts each ack to the loop that owns the session. No ack is ever sent before commit.
/// - Checkpoints of one session in one batch are coalesced by the seq guard
///   (`SessionCheckpoint.supersedes(_:)`: a higher seq, or the same seq saying more; flow
///   periods united), so a batch holds each session once.
/// - A transient store failure (`StoreError.isTransient`) keeps the batch and retries it with
///   exponential backoff; meanwhile the queue fills and `enqueue` starts refusing (that is
///   the backpressure). A permanent failure splits the batch and drops only the records the
///   store rejects by themselves (`metrics.rejectedRecords`, `onRejected`).
///   With `WriterConfiguration.spillJournalPath`, past `spillAfterQueuedRecords` queued
///   records (or at shutdown) a failing batch is appended to the fsync'd `SpillJournal`
///   instead, acked from there, and replayed once the store answers.
/// - `shutdown(timeoutMs:)` refuses new work, commits everything queued, then stops.
public final class PersistenceWriter: Sendable {
    public let metrics: WriterMetrics
    public let configuration: WriterConfiguration
    private let queue: WriterQueue
    private let worker: WriterWorker
    private let started = Atomic<Bool>(false)

    /// Creates the writer; call `start()` to run it. `store` must be migrated already and is
    /// used only by the writer thread from now on.
    ///
    /// - Parameters:
    ///   - onDurable: called on the writer thread after each commit; must return quickly.
    ///   - onRejected: called on the writer thread with records the store refused for good.
    public init(
        store: any Store, configuration: WriterConfiguration = WriterConfiguration(),
        onDurable: @escaping @Sendable ([DurableAck]) -> Void,
        onRejected: @escaping @Sendable ([PersistenceRecord], StoreError) -> Void = { _, _ in }
    ) {
        let metrics = WriterMetrics()
        self.metrics = metrics
        self.configuration = configuration
        queue = WriterQueue(capacity: configuration.queueCapacity, metrics: metrics)
        worker = WriterWorker(
            store: store, queue: queue, configuration: configuration, metrics: metrics,
            onDurable: onDurable, onRejected: onRejected)
    }

    /// Starts the writer thread (named `flowcoach-writer`). Later calls do nothing.
    public func start() {
        guard started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        let worker = worker
        let thread = Thread {
            flowcoach_set_thread_name("flowcoach-writer")  // Foundation's `Thread.name` does not reach the kernel here
            worker.run()
        }
        thread.start()
    }

    /// Hands a record to the writer; `false` when the queue is full or closed (see the
    /// contract above). Callable from any thread; never blocks.
    @discardableResult
    public func enqueue(_ record: PersistenceRecord) -> Bool {
        queue.push(.record(record))
    }

    /// Runs `job` on the writer thread with the store, after everything enqueued before it
    /// is committed (privacy changes, export, purge: what must follow the queued writes). The job
    /// reports its own result (e.g. by posting to a loop). `false` when full or closed.
    @discardableResult
    public func submit(_ job: @escaping @Sendable (any Store) -> Void) -> Bool {
        queue.push(.job(job))
    }

    /// Stops accepting work, commits everything already queued (retrying transient failures
    /// until the deadline), stops the thread and returns whether it finished in time.
    /// Records still unwritten at the deadline are counted in `metrics.abandonedRecords`
    /// and never acked, so clients replay them.
    @discardableResult
    public func shutdown(timeoutMs: Int = 10_000) -> Bool {
        start()  // a writer never started still flushes what was queued
        worker.setShutdownDeadline(afterMs: timeoutMs)
        queue.close()
        return queue.waitUntilFinished(timeoutMs: timeoutMs + 1_000)
    }
}
