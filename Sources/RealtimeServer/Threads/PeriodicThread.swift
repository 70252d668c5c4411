import CLinux
import Foundation
import Synchronization

/// A background thread that runs `body` every `intervalMs` until `stop()`: the revocation
/// and goal poll, the heap trimmer. It waits on a semaphore rather than sleeping, so
/// `stop()` ends it at once instead of after up to one interval.
public final class PeriodicThread: Sendable {
    private let name: String
    private let intervalMs: Int64
    private let stopped = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)

    public init(name: String, intervalMs: Int64) {
        self.name = name
        self.intervalMs = intervalMs
    }

    /// Starts the thread, which runs `body` every interval, first after one interval; an
    /// interval of 0 or less means off.
    public func start(_ body: @escaping @Sendable () -> Void) {
        guard intervalMs > 0 else { return }
        let thread = Thread { [self] in
            flowcoach_set_thread_name(name)  // Foundation's `Thread.name` does not reach the kernel here
            run(body)
        }
        thread.start()
    }

    /// Ends the thread after the run in progress, if any.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        wakeUp.signal()
    }

    private func run(_ body: @Sendable () -> Void) {
        while !stopped.load(ordering: .relaxed) {
            _ = wakeUp.wait(timeout: .now() + .milliseconds(Int(intervalMs)))
            guard !stopped.load(ordering: .relaxed) else { return }
            body()
        }
    }
}
