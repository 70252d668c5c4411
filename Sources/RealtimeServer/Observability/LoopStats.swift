public import Synchronization

/// Counters of one event loop. Written by the loop thread (relaxed atomics, no contention),
/// read by whichever loop serves `/metrics`.
public final class LoopStats: Sendable {
    public let connectionsAccepted = Atomic<Int>(0)
    public let connectionsOpen = Atomic<Int>(0)
    public let webSocketsOpen = Atomic<Int>(0)
    public let handshakesRejected = Atomic<Int>(0)
    public let handshakeTimeouts = Atomic<Int>(0)
    public let messagesReceived = Atomic<Int>(0)
    public let messagesSent = Atomic<Int>(0)
    public let bytesReceived = Atomic<Int>(0)
    public let bytesSent = Atomic<Int>(0)
    public let protocolErrors = Atomic<Int>(0)
    public let slowReadersClosed = Atomic<Int>(0)
    public let pingTimeouts = Atomic<Int>(0)
    public let httpRequests = Atomic<Int>(0)
    public let acceptFailures = Atomic<Int>(0)

    public init() {}

    /// Names of the counters, for `add(_:_:)`.
    public enum Counter: Sendable {
        case connectionsAccepted, connectionsOpen, webSocketsOpen, handshakesRejected, handshakeTimeouts, messagesReceived, messagesSent, bytesReceived, bytesSent, protocolErrors, slowReadersClosed, pingTimeouts, httpRequests, acceptFailures
    }

    /// Adds `amount` to `counter` (relaxed: counters order nothing).
    @inline(__always)
    public func add(_ counter: Counter, _ amount: Int = 1) {
        switch counter {
        case .connectionsAccepted: connectionsAccepted.add(amount, ordering: .relaxed)
        case .connectionsOpen: connectionsOpen.add(amount, ordering: .relaxed)
        case .webSocketsOpen: webSocketsOpen.add(amount, ordering: .relaxed)
        case .handshakesRejected: handshakesRejected.add(amount, ordering: .relaxed)
        case .handshakeTimeouts: handshakeTimeouts.add(amount, ordering: .relaxed)
        case .messagesReceived: messagesReceived.add(amount, ordering: .relaxed)
        case .messagesSent: messagesSent.add(amount, ordering: .relaxed)
        case .bytesReceived: bytesReceived.add(amount, ordering: .relaxed)
        case .bytesSent: bytesSent.add(amount, ordering: .relaxed)
        case .protocolErrors: protocolErrors.add(amount, ordering: .relaxed)
        case .slowReadersClosed: slowReadersClosed.add(amount, ordering: .relaxed)
        case .pingTimeouts: pingTimeouts.add(amount, ordering: .relaxed)
        case .httpRequests: httpRequests.add(amount, ordering: .relaxed)
        case .acceptFailures: acceptFailures.add(amount, ordering: .relaxed)
        }
    }
}
