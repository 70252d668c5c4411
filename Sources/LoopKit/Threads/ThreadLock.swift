internal import Glibc

/// A value guarded by a `pthread_mutex_t`, for state several threads share (a loop's
/// mailbox). The same contract as `Synchronization.Mutex`, with one difference that
/// matters for proof: ThreadSanitizer intercepts `pthread_mutex_lock`, so it sees the
/// ordering the lock creates. `Mutex` on Linux hands a contended lock over through a
/// priority-inheritance futex that TSan does not see, and reports every contended
/// `withLock` section as a data race (a false positive; the repro is in docs/OPERATIONS.md).
///
/// `@unchecked Sendable`: `value` is touched only between lock and unlock, by whichever
/// thread holds the mutex.
public final class ThreadLock<Value: Sendable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
