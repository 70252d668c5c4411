import CoachingCore

/// Personal insights over a window of local days, computed from stored sessions (with
/// their flow periods) and daily aggregates. Pure: the calendar says where hours and days
/// fall; no store, no clock.
///
/// - **Peak hours**: flow time by local hour of day. Each flow period is split at local
///   hour boundaries, so a period from 09:40 to 10:20 gives 20 min to 9 h and 20 min to
///   10 h. The peak hours are the (at most three) hours with the most flow.
/// - **Typical flow entry time**: the median, over sessions with at least one flow
///   period, of the time from the session's start to the start of its first period.
/// - **Mean recovery**: the mean time from an interruption back into flow, over all
///   interruptions: each session's `mean_recovery_ms` weighted by its interruptions
///   (sessions without a recovery time do not count).
/// - **Best day**: the local day with the most flow time (then the most active time,
///   then the earliest).
struct PersonalInsights: Sendable {
    static let hours = 24
    static let peakHourCount = 3

    /// Flow milliseconds per local hour of day, index 0…23.
    var flowMsByHour: [Int64] = Array(repeating: 0, count: hours)
    var sessionCount = 0
    var activeMs: Int64 = 0
    var flowMs: Int64 = 0
    /// Median time to the first flow period, nil without any flow period.
    var typicalFlowEntryMs: Int64?
    /// Sessions that entered flow (the median's sample size).
    var flowEntrySamples = 0
    var meanRecoveryMs: Int64?
    /// Interruptions behind ``meanRecoveryMs``.
    var recoveredInterruptions: Int64 = 0
    var bestDay: UserDayTotals?

    /// Hours with flow, most flow first (ties: earlier hour), at most ``peakHourCount``.
    var peakHours: [(hour: Int, flowMs: Int64)] {
        flowMsByHour.enumerated()
            .filter { $0.element > 0 }
            .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .prefix(Self.peakHourCount)
            .map { (hour: $0.offset, flowMs: $0.element) }
    }

    /// - Parameters:
    ///   - sessions: the sessions that started in the window.
    ///   - daily: the user's daily aggregates; only days in `window` count.
    init(sessions: [StoredSession], daily: [UserDayTotals], window: ClosedRange<LocalDay>, calendar: UserCalendar) {
        var entries: [Int64] = []
        var recoveryTotal: Int64 = 0
        for session in sessions {
            let checkpoint = session.checkpoint
            sessionCount += 1
            activeMs = activeMs.addingClamped(checkpoint.totals.activeMs)
            flowMs = flowMs.addingClamped(checkpoint.totals.flowMs)
            if let first = session.flowPeriods.min(by: { $0.startMs < $1.startMs }) {
                entries.append(max(0, first.startMs &- checkpoint.startedAtMs))
            }
            for period in session.flowPeriods { addFlow(from: period.startMs, to: period.endMs, calendar: calendar) }
            let totals = checkpoint.totals
            if totals.interruptions > 0 && totals.meanRecoveryMs > 0 {
                recoveredInterruptions += totals.interruptions
                recoveryTotal = recoveryTotal.addingClamped(totals.meanRecoveryMs.multipliedClamped(by: totals.interruptions))
            }
        }
        flowEntrySamples = entries.count
        typicalFlowEntryMs = Self.median(entries)
        if recoveredInterruptions > 0 { meanRecoveryMs = recoveryTotal / recoveredInterruptions }
        let first = window.lowerBound.description
        let last = window.upperBound.description
        bestDay = daily
            .filter { $0.day >= first && $0.day <= last && ($0.flowMs > 0 || $0.activeMs > 0) }
            .min { lhs, rhs in
                if lhs.flowMs != rhs.flowMs { return lhs.flowMs > rhs.flowMs }
                if lhs.activeMs != rhs.activeMs { return lhs.activeMs > rhs.activeMs }
                return lhs.day < rhs.day
            }
    }

    /// Adds `[startMs, endMs)` to the hours it covers, split at local hour boundaries.
    private mutating func addFlow(from startMs: Int64, to endMs: Int64, calendar: UserCalendar) {
        var cursor = startMs
        // A period is at most a working day long; the bound only guards against a corrupt row.
        var steps = 0
        while cursor < endMs && steps < 24 * 31 {
            let boundary = min(endMs, calendar.nextHourBoundaryMs(after: cursor))
            let hour = calendar.hour(atMs: cursor)
            flowMsByHour[hour] = flowMsByHour[hour].addingClamped(boundary - cursor)
            cursor = boundary
            steps += 1
        }
    }

    /// The median (mean of the two middle values for an even count); nil when empty.
    static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[middle] }
        return sorted[middle - 1] / 2 + sorted[middle] / 2 + (sorted[middle - 1] % 2 + sorted[middle] % 2) / 2
    }
}

extension Int64 {
    /// Sum that stops at the bounds instead of trapping (totals come from stored rows).
    func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func multipliedClamped(by other: Int64) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self > 0) == (other > 0) ? .max : .min) : product
    }
}
