/// The seq guard: the one rule that decides whether a checkpoint replaces another of the
/// same session. The writer applies it when it coalesces a batch (`absorb(_:)`), and both
/// stores apply it in SQL (`SeqGuardSQL` in Persistence, written from this rule) to every
/// batch, a spill-journal replay included. StoreContractTests runs all of them against one
/// table of cases.
extension SessionCheckpoint {
    /// Whether this checkpoint replaces `stored`, an earlier-known checkpoint of the same
    /// session id:
    /// - it must belong to the same user (a guessed session id of someone else changes
    ///   nothing);
    /// - a higher `seq` replaces, a lower one never does;
    /// - the same `seq` replaces only when it says more: the session ended and `stored` had
    ///   not, or it counts more completed flow periods, more flow time or more active time.
    ///   Totals at one `seq` only grow (an idle timer or the end closes a flow period without
    ///   a new message), so an equal checkpoint that says no more, a replay, changes nothing.
    public func supersedes(_ stored: SessionCheckpoint) -> Bool {
        guard userId == stored.userId else { return false }
        if seq != stored.seq { return seq > stored.seq }
        return (ended && !stored.ended) || totals.flowPeriods > stored.totals.flowPeriods
            || totals.flowMs > stored.totals.flowMs || totals.activeMs > stored.totals.activeMs
    }

    /// Folds another checkpoint of the same session into this one (coalescing a batch):
    /// the one that wins by `supersedes(_:)` keeps its totals and days, and the flow periods
    /// and timeline marks of both are united by start. A checkpoint of another user is ignored entirely.
    public mutating func absorb(_ other: SessionCheckpoint) {
        guard other.userId == userId else { return }
        var periods = completedFlowPeriods
        var starts = Set(periods.map(\.startMs))
        for period in other.completedFlowPeriods where starts.insert(period.startMs).inserted {
            periods.append(period)
        }
        var marks = completedMarks
        marks.unite(other.completedMarks)
        if other.supersedes(self) { self = other }
        completedFlowPeriods = periods
        completedMarks = marks
    }
}
