/// Per-user daily aggregates, the goal streak and wellbeing indicators. Fed with every
/// window (after the detector) and session start; days are local days computed from the
/// caller-supplied UTC offset, so this type knows no clock or time zone.
///
/// Windows that arrive for an earlier day than the current one (clock skew, replays) are
/// added to the current day rather than reopening a closed one.
public struct DailyLedger: Hashable, Sendable {
    /// The settings in force.
    public var settings: DailySettings
    /// The current day (nil before any activity).
    public var today: DailyAggregate? { hasDay ? current : nil }
    /// Mutated in place (never copied out and back), so adding to a tally never triggers a
    /// copy-on-write allocation.
    private var current = DailyAggregate(day: .min)
    private var hasDay = false
    /// Closed days, oldest first, at most ``historyLength``.
    public private(set) var history: [DaySummary] = []
    /// Days of history kept.
    public static let historyLength = 31

    var activeUntilMs: Int64 = .min
    var codingUntilMs: Int64 = .min
    var goalStreak = 0
    var lastGoalDay: Int64 = .min
    var workedStreak = 0
    var lastWorkedDay: Int64 = .min

    /// An empty ledger.
    public init(settings: DailySettings = DailySettings()) {
        self.settings = settings
    }

    /// Counts a session start.
    public mutating func recordSessionStart(atMs: Int64, utcOffsetMs: Int64) {
        roll(to: LocalTime.day(atMs: atMs, utcOffsetMs: utcOffsetMs))
        current.sessions += 1
    }

    /// Adds one window: `flowDeltaMs` is the change of the session's flow time with it.
    public mutating func record(_ window: ActivityWindow, assessment: FlowAssessment,
                                flowDeltaMs: Int64, project: String?, language: String?,
                                utcOffsetMs: Int64) {
        let at = assessment.atMs
        roll(to: LocalTime.day(atMs: at, utcOffsetMs: utcOffsetMs))
        let length = window.windowMs.clamped(to: 0...Milliseconds.minutes(10).value)
        let start = at.saturatingSubtracted(length)
        if window.isActive {
            let added = Self.union(start: start, end: at, until: &activeUntilMs)
            current.activeMs = current.activeMs.saturatingAdded(added)
            current.focusScoreTime += assessment.intensity * Double(length)
            current.focusWeightMs = current.focusWeightMs.saturatingAdded(length)
            if let language { current.languages.add(added, to: language) }
            if let project { current.projects.add(added, to: project) }
            let time = LocalTime.timeOfDay(atMs: at, utcOffsetMs: utcOffsetMs)
            if time >= settings.lateNightStart.value || time < settings.lateNightEnd.value {
                current.lateNightMs = current.lateNightMs.saturatingAdded(added)
            }
        }
        if window.hasTyping {
            current.codingMs = current.codingMs.saturatingAdded(
                Self.union(start: start, end: at, until: &codingUntilMs))
        }
        recordFlow(deltaMs: flowDeltaMs, endedPeriod: assessment.endedPeriod,
                   recoveryMs: assessment.recoveryMs, atMs: at, utcOffsetMs: utcOffsetMs)
    }

    /// Adds flow events that came without a window (an idle timeout, a session end).
    public mutating func recordFlow(deltaMs: Int64, endedPeriod: FlowPeriod?, recoveryMs: Int64?,
                                    atMs: Int64, utcOffsetMs: Int64) {
        roll(to: LocalTime.day(atMs: atMs, utcOffsetMs: utcOffsetMs))
        current.flowMs = Swift.max(0, current.flowMs.saturatingAdded(deltaMs))
        if let endedPeriod {
            current.flowPeriods += 1
            if endedPeriod.endReason.isInterruption { current.interruptions += 1 }
        }
        if let recoveryMs {
            current.recoveries += 1
            current.recoveryTotalMs = current.recoveryTotalMs.saturatingAdded(recoveryMs)
        }
    }

    /// Consecutive days meeting the goal, up to today (today counts once it meets it;
    /// until then it does not break the streak).
    public var streakDays: Int {
        guard let today else { return 0 }
        let carried = lastGoalDay == today.day - 1 ? goalStreak : 0
        return carried + (today.activeMs >= settings.streakGoal.value ? 1 : 0)
    }

    /// Wellbeing indicators for today.
    public var wellbeing: WellbeingIndicators {
        guard let today else {
            return WellbeingIndicators(longDay: false, lateNight: false, consecutiveDays: 0,
                                       manyConsecutiveDays: false, focusTrendPerDay: 0,
                                       fallingFocusTrend: false)
        }
        let worked = today.activeMs >= settings.workedDayMinimum.value
        let consecutive = (lastWorkedDay == today.day - 1 ? workedStreak : 0) + (worked ? 1 : 0)
        let slope = focusSlope(today: today)
        return WellbeingIndicators(
            longDay: today.activeMs > settings.longDay.value,
            lateNight: today.lateNightMs >= settings.lateNightMinimum.value,
            consecutiveDays: consecutive,
            manyConsecutiveDays: consecutive >= settings.manyConsecutiveDays,
            focusTrendPerDay: slope,
            fallingFocusTrend: slope < settings.fallingFocusSlopePerDay)
    }

    /// Least-squares slope of focus score per day over the 7 days ending today.
    private func focusSlope(today: DailyAggregate) -> Double {
        var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        func add(_ day: Int64, _ score: Double) {
            let x = Double(day - today.day)
            n += 1; sx += x; sy += score; sxx += x * x; sxy += x * score
        }
        for summary in history where summary.day > today.day - 7 && summary.activeMs > 0 {
            add(summary.day, summary.focusScore)
        }
        if today.activeMs > 0 { add(today.day, today.focusScore) }
        let denominator = n * sxx - sx * sx
        guard n >= 4, denominator > 0 else { return 0 }
        let slope = (n * sxy - sx * sy) / denominator
        return slope.isFinite ? slope : 0
    }

    /// Moves to `day` if it is later than the current one, closing the current day.
    private mutating func roll(to day: Int64) {
        if hasDay {
            guard day > current.day else { return }
            close(current)
        }
        current = DailyAggregate(day: day, maximumKeys: settings.maximumTallyKeys)
        hasDay = true
    }

    private mutating func close(_ day: DailyAggregate) {
        if day.activeMs >= settings.streakGoal.value {
            goalStreak = lastGoalDay == day.day - 1 ? goalStreak + 1 : 1
            lastGoalDay = day.day
        }
        if day.activeMs >= settings.workedDayMinimum.value {
            workedStreak = lastWorkedDay == day.day - 1 ? workedStreak + 1 : 1
            lastWorkedDay = day.day
        }
        if history.count >= Self.historyLength { history.removeFirst() }
        history.append(day.summary)
    }

    /// Adds the part of [start, end] after `until` and advances `until`.
    private static func union(start: Int64, end: Int64, until: inout Int64) -> Int64 {
        let from = until == .min ? start : Swift.max(start, until)
        let added = Swift.max(0, end.saturatingSubtracted(from))
        until = until == .min ? end : Swift.max(until, end)
        return added
    }
}
