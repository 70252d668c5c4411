public import Synchronization

/// Counters of one event loop. One writer, the loop's thread (the loop and its coaching
/// shard), through `add(_:_:)`; read by whichever loop serves `/metrics`.
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

    /// Records `count` answers in both answer-time histograms (their times since the loop's
    /// wake-up and since its read). One call on this object: the histograms are its own
    /// properties here, so the loop's per-read call retains and releases neither of them.
    public func recordAnswers(sinceWakeNs: Int, sinceReadNs: Int, count: Int) {
        answerSinceWake.record(sinceWakeNs, count: count)
        answerSinceRead.record(sinceReadNs, count: count)
    }

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

    /// Adds `amount` to `counter`: a relaxed load and store, not an atomic add. With one
    /// writer no update can be lost, and the message path (six counters per read) pays no
    /// locked instruction; readers see each value whole. Inlinable, so that the switch on a
    /// constant counter folds away in the loop's module.
    @inlinable @inline(__always)
    public func add(_ counter: Counter, _ amount: Int = 1) {
        switch counter {
        case .connectionsAccepted: Self.bump(connectionsAccepted, amount)
        case .connectionsOpen: Self.bump(connectionsOpen, amount)
        case .webSocketsOpen: Self.bump(webSocketsOpen, amount)
        case .handshakesRejected: Self.bump(handshakesRejected, amount)
        case .handshakeTimeouts: Self.bump(handshakeTimeouts, amount)
        case .messagesReceived: Self.bump(messagesReceived, amount)
        case .messagesSent: Self.bump(messagesSent, amount)
        case .bytesReceived: Self.bump(bytesReceived, amount)
        case .bytesSent: Self.bump(bytesSent, amount)
        case .socketReads: Self.bump(socketReads, amount)
        case .socketWrites: Self.bump(socketWrites, amount)
        case .protocolErrors: Self.bump(protocolErrors, amount)
        case .slowReadersClosed: Self.bump(slowReadersClosed, amount)
        case .pingTimeouts: Self.bump(pingTimeouts, amount)
        case .httpRequests: Self.bump(httpRequests, amount)
        case .acceptFailures: Self.bump(acceptFailures, amount)
        case .activities: Self.bump(activities, amount)
        case .duplicateActivities: Self.bump(duplicateActivities, amount)
        case .sessionsStarted: Self.bump(sessionsStarted, amount)
        case .sessionsResumed: Self.bump(sessionsResumed, amount)
        case .sessionsEnded: Self.bump(sessionsEnded, amount)
        case .sessionsExpired: Self.bump(sessionsExpired, amount)
        case .checkpointsEnqueued: Self.bump(checkpointsEnqueued, amount)
        case .checkpointsRefused: Self.bump(checkpointsRefused, amount)
        case .durableAcksSent: Self.bump(durableAcksSent, amount)
        case .appErrors: Self.bump(appErrors, amount)
        case .rateLimited: Self.bump(rateLimited, amount)
        case .authFailures: Self.bump(authFailures, amount)
        case .handOvers: Self.bump(handOvers, amount)
        case .connectionsRefused: Self.bump(connectionsRefused, amount)
        case .channelEventsSent: Self.bump(channelEventsSent, amount)
        case .breakReminders: Self.bump(breakReminders, amount)
        case .usersLive: Self.bump(usersLive, amount)
        case .sessionsLive: Self.bump(sessionsLive, amount)
        }
    }

    /// The one writer's increment (see `add(_:_:)`).
    @inlinable @inline(__always)
    static func bump(_ counter: borrowing Atomic<Int>, _ amount: Int) {
        counter.store(counter.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }
}
