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
    /// Socket reads that returned data, and write calls (one `writev` each): with the
    /// message counters they give messages per read and frames per write (batching).
    public let socketReads = Atomic<Int>(0)
    public let socketWrites = Atomic<Int>(0)
    public let protocolErrors = Atomic<Int>(0)
    public let slowReadersClosed = Atomic<Int>(0)
    public let pingTimeouts = Atomic<Int>(0)
    public let httpRequests = Atomic<Int>(0)
    public let acceptFailures = Atomic<Int>(0)
    public let activities = Atomic<Int>(0)
    public let duplicateActivities = Atomic<Int>(0)
    public let sessionsStarted = Atomic<Int>(0)
    public let sessionsResumed = Atomic<Int>(0)
    public let sessionsEnded = Atomic<Int>(0)
    public let sessionsExpired = Atomic<Int>(0)
    public let checkpointsEnqueued = Atomic<Int>(0)
    public let checkpointsRefused = Atomic<Int>(0)
    public let durableAcksSent = Atomic<Int>(0)
    public let appErrors = Atomic<Int>(0)
    public let rateLimited = Atomic<Int>(0)
    public let authFailures = Atomic<Int>(0)
    public let handOvers = Atomic<Int>(0)
    public let connectionsRefused = Atomic<Int>(0)
    public let channelEventsSent = Atomic<Int>(0)
    public let breakReminders = Atomic<Int>(0)
    public let usersLive = Atomic<Int>(0)
    public let sessionsLive = Atomic<Int>(0)
    /// How long the loop took to answer an `activity`: from its wake-up with the bytes ready
    /// (the first event it handled after `epoll_wait` returned) to the write that handed the
    /// answer to the kernel. Includes the events handled before it in the same wake-up.
    public let answerSinceWake = LatencyHistogram()
    /// The same answers timed from the loop's turn to read that connection: without the
    /// wait behind other connections' events of the same wake-up.
    public let answerSinceRead = LatencyHistogram()

    public init() {}

    /// `activity` messages answered, fresh or duplicate (each gets a `flow`): the loop reads
    /// it before and after handling a read to know how many answers its write carried.
    @inline(__always)
    public var activitiesAnswered: Int {
        activities.load(ordering: .relaxed) &+ duplicateActivities.load(ordering: .relaxed)
    }

    /// Names of the counters, for `add(_:_:)`.
    public enum Counter: Sendable {
        case connectionsAccepted, connectionsOpen, webSocketsOpen, handshakesRejected, handshakeTimeouts, messagesReceived, messagesSent, bytesReceived, bytesSent, socketReads, socketWrites, protocolErrors, slowReadersClosed, pingTimeouts, httpRequests, acceptFailures
        case activities, duplicateActivities, sessionsStarted, sessionsResumed, sessionsEnded, sessionsExpired, checkpointsEnqueued, checkpointsRefused, durableAcksSent, appErrors, rateLimited, authFailures, handOvers, connectionsRefused, channelEventsSent, breakReminders, usersLive, sessionsLive
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
        case .socketReads: socketReads.add(amount, ordering: .relaxed)
        case .socketWrites: socketWrites.add(amount, ordering: .relaxed)
        case .protocolErrors: protocolErrors.add(amount, ordering: .relaxed)
        case .slowReadersClosed: slowReadersClosed.add(amount, ordering: .relaxed)
        case .pingTimeouts: pingTimeouts.add(amount, ordering: .relaxed)
        case .httpRequests: httpRequests.add(amount, ordering: .relaxed)
        case .acceptFailures: acceptFailures.add(amount, ordering: .relaxed)
        case .activities: activities.add(amount, ordering: .relaxed)
        case .duplicateActivities: duplicateActivities.add(amount, ordering: .relaxed)
        case .sessionsStarted: sessionsStarted.add(amount, ordering: .relaxed)
        case .sessionsResumed: sessionsResumed.add(amount, ordering: .relaxed)
        case .sessionsEnded: sessionsEnded.add(amount, ordering: .relaxed)
        case .sessionsExpired: sessionsExpired.add(amount, ordering: .relaxed)
        case .checkpointsEnqueued: checkpointsEnqueued.add(amount, ordering: .relaxed)
        case .checkpointsRefused: checkpointsRefused.add(amount, ordering: .relaxed)
        case .durableAcksSent: durableAcksSent.add(amount, ordering: .relaxed)
        case .appErrors: appErrors.add(amount, ordering: .relaxed)
        case .rateLimited: rateLimited.add(amount, ordering: .relaxed)
        case .authFailures: authFailures.add(amount, ordering: .relaxed)
        case .handOvers: handOvers.add(amount, ordering: .relaxed)
        case .connectionsRefused: connectionsRefused.add(amount, ordering: .relaxed)
        case .channelEventsSent: channelEventsSent.add(amount, ordering: .relaxed)
        case .breakReminders: breakReminders.add(amount, ordering: .relaxed)
        case .usersLive: usersLive.add(amount, ordering: .relaxed)
        case .sessionsLive: sessionsLive.add(amount, ordering: .relaxed)
        }
    }
}
