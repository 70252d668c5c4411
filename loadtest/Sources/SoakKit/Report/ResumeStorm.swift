/// A reconnect storm as the soak saw it: editor sessions the server dropped (a restart, a
/// crash) from the first drop until the last of them was back (its `session.started`
/// received on a new connection). Times are wall-clock milliseconds so that a script that
/// restarted the server can measure from its own restart time.
public struct ResumeStorm: Sendable, Equatable {
    /// When the first of these sessions was dropped.
    public var firstLostWallMs: Int64
    /// When the last session so far got its `session.started` back (nil: none yet).
    public var lastBackWallMs: Int64?
    /// Sessions dropped in the storm (a session dropped again before it was back counts once).
    public var sessionsLost: Int
    /// Sessions back so far.
    public var sessionsBack: Int

    public init(firstLostWallMs: Int64, lastBackWallMs: Int64? = nil, sessionsLost: Int = 0, sessionsBack: Int = 0) {
        self.firstLostWallMs = firstLostWallMs
        self.lastBackWallMs = lastBackWallMs
        self.sessionsLost = sessionsLost
        self.sessionsBack = sessionsBack
    }

    /// Every dropped session came back.
    public var isOver: Bool { lastBackWallMs != nil && sessionsBack == sessionsLost }

    /// Seconds from the first drop to the last session back (nil while some are still out).
    public var secondsToAllBack: Double? {
        guard isOver, let lastBackWallMs else { return nil }
        return Double(lastBackWallMs - firstLostWallMs) / 1000
    }

    /// Each loop sees its own share of a storm; shares whose spans overlap are one storm
    /// (a share still going overlaps everything after its start). Sorted by first drop.
    public static func merged(_ shares: [ResumeStorm]) -> [ResumeStorm] {
        var result: [ResumeStorm] = []
        for share in shares.sorted(by: { $0.firstLostWallMs < $1.firstLostWallMs }) {
            guard var last = result.last, !last.isOver || share.firstLostWallMs <= (last.lastBackWallMs ?? .max) else {
                result.append(share)
                continue
            }
            last.sessionsLost += share.sessionsLost
            last.sessionsBack += share.sessionsBack
            switch (last.lastBackWallMs, share.lastBackWallMs) {
            case (let a?, let b?): last.lastBackWallMs = Swift.max(a, b)
            case (nil, let b): last.lastBackWallMs = b
            case (let a, nil): last.lastBackWallMs = a
            }
            result[result.count - 1] = last
        }
        return result
    }
}

/// One second of the run as the progress line showed it, kept for the report's timeline
/// (how the load moves through a storm and the cycles after it).
public struct TimelinePoint: Sendable, Equatable {
    /// Seconds since the first connection.
    public var elapsedSeconds: Double
    public var openConnections: Int64
    /// Activities answered during this second.
    public var answered: Int64
    /// Round trips of this second (µs; 0 when none).
    public var p50Micros: UInt64
    public var p99Micros: UInt64

    public init(elapsedSeconds: Double, openConnections: Int64, answered: Int64, p50Micros: UInt64, p99Micros: UInt64) {
        self.elapsedSeconds = elapsedSeconds
        self.openConnections = openConnections
        self.answered = answered
        self.p50Micros = p50Micros
        self.p99Micros = p99Micros
    }
}
