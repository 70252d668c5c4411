import CoachingCore
import Synchronization

/// Holds the ``TLSContext`` that new connections use, and swaps it on reload (SIGHUP).
///
/// - New connections call ``current`` once, at accept, and create their
///   ``TLSSession`` from it.
/// - Live sessions keep the context they were created from (each holds a strong
///   reference, and `SSL_CTX` is reference counted), so a reload never drops or
///   disturbs a connection; the old context is freed when its last session ends.
/// - ``reload()`` loads the files *outside* the lock (file I/O and key parsing take
///   milliseconds) and only then swaps; a failed load leaves the old context in
///   place and throws, so the operator sees the error and nothing changes.
///
/// Thread safety: the store is shared by the signal-handling thread and every event
/// loop. The only mutable state is the current reference, inside a `Mutex`; readers
/// hold the lock only to copy (retain) one reference.
public final class TLSContextStore: Sendable {
    private let state: Mutex<TLSContext>

    /// Loads the first context; throws when the files are unusable (refuse to start).
    public init(configuration: TLSConfiguration) throws(TLSContextError) {
        state = Mutex(try TLSContext(configuration: configuration))
    }

    /// Wraps an already loaded context.
    public init(context: TLSContext) {
        state = Mutex(context)
    }

    /// The context for a connection accepted now.
    public var current: TLSContext {
        state.withLock { $0 }
    }

    /// Reloads from the current configuration's files (a SIGHUP after the operator
    /// replaced the certificate and key). Returns the new context.
    @discardableResult
    public func reload() throws(TLSContextError) -> TLSContext {
        try reload(configuration: current.configuration)
    }

    /// Loads `configuration` and makes it current for new connections. On error the
    /// previous context stays current.
    @discardableResult
    public func reload(configuration: TLSConfiguration) throws(TLSContextError) -> TLSContext {
        let fresh = try TLSContext(configuration: configuration)
        state.withLock { $0 = fresh }
        return fresh
    }
}
