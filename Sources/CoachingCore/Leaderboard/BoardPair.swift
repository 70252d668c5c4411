/// The two rankings of one board scope (global, one language or one team) for one period
/// key: by coding time and by flow time.
public struct BoardPair: Sendable {
    public var codingTime = RankIndex()
    public var flowTime = RankIndex()

    /// The ranking of one metric.
    public subscript(metric: LeaderboardChannel.Metric) -> RankIndex {
        get {
            switch metric {
            case .codingTime: codingTime
            case .flowTime: flowTime
            }
        }
        _modify {
            switch metric {
            case .codingTime: yield &codingTime
            case .flowTime: yield &flowTime
            }
        }
    }

    /// Adds both metrics' deltas for one user (a zero delta leaves that ranking alone).
    /// `bulk`: start-up loading, rows sorted later by ``sortRows()``. `ordinal`: the
    /// book's number for the user, which finds the member without hashing its id (see
    /// ``RankIndex/add(ordinal:userId:name:deltaMs:visible:)``).
    public mutating func add(
        userId: String, ordinal: UInt32? = nil, name: String, codingMs: Int64, flowMs: Int64, visible: Bool, bulk: Bool = false
    ) {
        if bulk {
            if codingMs != 0 { codingTime.addUnsorted(userId: userId, name: name, deltaMs: codingMs, visible: visible) }
            if flowMs != 0 { flowTime.addUnsorted(userId: userId, name: name, deltaMs: flowMs, visible: visible) }
            return
        }
        if let ordinal {
            if codingMs != 0 { codingTime.add(ordinal: ordinal, userId: userId, name: name, deltaMs: codingMs, visible: visible) }
            if flowMs != 0 { flowTime.add(ordinal: ordinal, userId: userId, name: name, deltaMs: flowMs, visible: visible) }
            return
        }
        if codingMs != 0 { codingTime.add(userId: userId, name: name, deltaMs: codingMs, visible: visible) }
        if flowMs != 0 { flowTime.add(userId: userId, name: name, deltaMs: flowMs, visible: visible) }
    }

    /// Sorts both rankings' rows after bulk loading.
    public mutating func sortRows() {
        codingTime.sortRows()
        flowTime.sortRows()
    }

    /// Applies `body` to both rankings.
    public mutating func forBoth(_ body: (inout RankIndex) -> Void) {
        body(&codingTime)
        body(&flowTime)
    }

    /// Whether `userId` is on either ranking.
    public func contains(_ userId: String) -> Bool {
        codingTime.value(of: userId) != nil || flowTime.value(of: userId) != nil
    }
}
