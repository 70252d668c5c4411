public import CoachingCore
import CLinux
import Foundation
import Synchronization

/// A thread with its own store connection for reads the event loops must not wait for:
/// token checks, user profiles, session look-ups on resume, the HTTP API. Writes go through
/// the `PersistenceWriter`; a slow batch there never delays a login here.
///
/// Jobs run in order on the reader thread and report their own results (usually by
/// posting to a loop's mailbox). The queue is bounded: `submit` refuses when full, and the
/// caller answers `internal` (retry) instead of queueing without bound.
public final class StoreReader: Sendable {
    /// A unit of work; runs on the reader thread with the reader's store.
    public typealias Job = @Sendable (any Store) -> Void

    private let store: any Store
    private let capacity: Int
    private let name: String
    private let jobs = Mutex<(queue: [Job], closed: Bool)>(([], false))
    private let wakeUp = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    /// `store` is used by the reader thread only from `start()` on.
    public init(store: any Store, capacity: Int = 65_536, name: String = "flowcoach-reader") {
        self.store = store
        self.capacity = capacity
        self.name = name
    }

    /// Starts the thread (named after `name`).
    public func start() {
        let thread = Thread { [self] in
            flowcoach_set_thread_name(name)  // Foundation's `Thread.name` does not reach the kernel here
            run()
        }
        thread.start()
    }

    /// Queues `job`; false when the queue is full or the reader stopped.
    @discardableResult
    public func submit(_ job: @escaping Job) -> Bool {
        let accepted = jobs.withLock { state -> Bool in
            guard !state.closed, state.queue.count < capacity else { return false }
            state.queue.append(job)
            return true
        }
        if accepted { wakeUp.signal() }
        return accepted
    }

    /// Runs what is queued, then stops the thread; waits up to `timeoutMs`.
    public func shutdown(timeoutMs: Int = 5_000) {
        jobs.withLock { $0.closed = true }
        wakeUp.signal()
        _ = finished.wait(timeout: .now() + .milliseconds(timeoutMs))
    }

    private func run() {
        while true {
            wakeUp.wait()
            let (batch, closed) = jobs.withLock { state -> ([Job], Bool) in
                let batch = state.queue
                state.queue.removeAll(keepingCapacity: true)
                return (batch, state.closed)
            }
            for job in batch { job(store) }
            if closed && jobs.withLock({ $0.queue.isEmpty }) { break }
        }
        finished.signal()
    }
}
