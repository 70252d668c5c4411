import CoachingCore
import Foundation
import Synchronization

/// One unit of work for the writer thread.
enum WriterItem: Sendable {
    case record(PersistenceRecord)
    /// Any other store call (`PersistenceWriter.submit`), run in queue order.
    case job(@Sendable (any Store) -> Void)
}

/// The bounded multi-producer, single-consumer queue between the event loops and the
/// writer thread. `push` never blocks beyond a short critical section: when the queue is
/// full (or closed) it returns `false` at once.
final class WriterQueue: @unchecked Sendable {
    // @unchecked Sendable: every stored property is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var items: [WriterItem] = []
    private var closed = false
    private var finished = false
    /// Jobs among `items`: a job (a purge, a goal, a look-up for a client) ends the linger,
    /// which is there to gather checkpoints, not to delay answers.
    private var jobsQueued = 0
    private let capacity: Int
    private let metrics: WriterMetrics

    init(capacity: Int, metrics: WriterMetrics) {
        self.capacity = capacity
        self.metrics = metrics
    }

    /// Appends an item; `false` when full or closed (the caller keeps its data).
    func push(_ item: WriterItem) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed, items.count < capacity else {
            metrics.enqueueRefused.add(1, ordering: .relaxed)
            return false
        }
        items.append(item)
        metrics.queueDepth.store(items.count, ordering: .relaxed)
        if case .job = item {
            jobsQueued += 1
            condition.broadcast()  // ends a linger
        } else if items.count == 1 {
            condition.broadcast()
        }
        return true
    }

    /// Waits for at least one item (or closure), then up to `lingerMs` for `maxItems` (not
    /// once a job is queued), and takes at most `maxItems`. Returns an empty array only when
    /// closed and empty, or when `idleTimeoutMs` passed without an item (the spilling
    /// writer's replay probe).
    func take(maxItems: Int, lingerMs: Int, idleTimeoutMs: Int? = nil) -> [WriterItem] {
        condition.lock()
        defer { condition.unlock() }
        if let idleTimeoutMs {
            let deadline = Date(timeIntervalSinceNow: Double(idleTimeoutMs) / 1000)
            while items.isEmpty && !closed && condition.wait(until: deadline) {}
            if items.isEmpty { return [] }
        }
        while items.isEmpty && !closed { condition.wait() }
        if lingerMs > 0 && !closed && items.count < maxItems && jobsQueued == 0 {
            let deadline = Date(timeIntervalSinceNow: Double(lingerMs) / 1000)
            while items.count < maxItems && !closed && jobsQueued == 0 && condition.wait(until: deadline) {}
        }
        let taken: [WriterItem]
        if items.count <= maxItems {
            taken = items
            // The next batch gets room for as many items as this one, not the most ever
            // queued: one burst (a slow commit) must not stay resident for the process's life.
            items = []
            items.reserveCapacity(taken.count)
        } else {
            taken = Array(items.prefix(maxItems))
            items.removeFirst(maxItems)
        }
        if jobsQueued > 0 {
            for case .job in taken { jobsQueued -= 1 }
        }
        metrics.queueDepth.store(items.count, ordering: .relaxed)
        return taken
    }

    /// Refuses further pushes and wakes the writer; queued items are still taken.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    var isClosed: Bool {
        condition.lock()
        defer { condition.unlock() }
        return closed
    }

    /// Sleeps up to `ms`, returning early when the queue is closed (shutdown during a retry
    /// backoff). Returns `true` when closed.
    func sleep(ms: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: Double(ms) / 1000)
        while !closed && condition.wait(until: deadline) {}
        return closed
    }

    /// Called by the writer thread as its last act.
    func markFinished() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until `markFinished` or the deadline; `true` when finished.
    func waitUntilFinished(timeoutMs: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)
        while !finished && condition.wait(until: deadline) {}
        return finished
    }
}
