/// Counters one event loop keeps and the runner sums (once a second and at the end).
public struct SoakCounters: Sendable, Equatable {
    public var connectAttempts: Int64 = 0
    public var connectSuccesses: Int64 = 0
    public var connectFailures: Int64 = 0
    /// Connections the server closed or dropped while the soak wanted them.
    public var disconnects: Int64 = 0
    /// Connections the soak dropped on purpose (churn).
    public var churned: Int64 = 0
    /// Open connections right now.
    public var openConnections: Int64 = 0
    public var sessionsStarted: Int64 = 0
    public var sessionsResumed: Int64 = 0
    /// Editor sessions holding at least one durable activity now: what a server restart
    /// must resume (a gauge).
    public var sessionsDurable: Int64 = 0
    /// Editor sessions the server dropped that are not back yet (a gauge).
    public var awaitingResume: Int64 = 0
    public var activitiesSent: Int64 = 0
    public var activitiesReplayed: Int64 = 0
    public var flowsAnswered: Int64 = 0
    public var flowsUnsolicited: Int64 = 0
    public var durableAcks: Int64 = 0
    public var summariesReceived: Int64 = 0
    public var summariesMatched: Int64 = 0
    public var channelEvents: Int64 = 0
    public var errorMessages: Int64 = 0
    public var messagesReceived: Int64 = 0
    public var bytesSent: Int64 = 0
    public var bytesReceived: Int64 = 0

    public init() {}

    /// Adds `other` field by field.
    public mutating func add(_ other: SoakCounters) {
        connectAttempts += other.connectAttempts
        connectSuccesses += other.connectSuccesses
        connectFailures += other.connectFailures
        disconnects += other.disconnects
        churned += other.churned
        openConnections += other.openConnections
        sessionsStarted += other.sessionsStarted
        sessionsResumed += other.sessionsResumed
        sessionsDurable += other.sessionsDurable
        awaitingResume += other.awaitingResume
        activitiesSent += other.activitiesSent
        activitiesReplayed += other.activitiesReplayed
        flowsAnswered += other.flowsAnswered
        flowsUnsolicited += other.flowsUnsolicited
        durableAcks += other.durableAcks
        summariesReceived += other.summariesReceived
        summariesMatched += other.summariesMatched
        channelEvents += other.channelEvents
        errorMessages += other.errorMessages
        messagesReceived += other.messagesReceived
        bytesSent += other.bytesSent
        bytesReceived += other.bytesReceived
    }
}
