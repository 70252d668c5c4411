/// One user's totals for one local day.
public struct DailyAggregate: Hashable, Sendable {
    /// Local day number (days since 1970-01-01 in the user's zone).
    public var day: Int64
    /// Active time (typing or editor focus), counted once across overlapping sessions.
    public var activeMs: Int64 = 0
    /// Flow time.
    public var flowMs: Int64 = 0
    /// Coding time (windows with typing), counted once across sessions.
    public var codingMs: Int64 = 0
    /// Active time per language.
    public var languages: BoundedTally
    /// Active time per project.
    public var projects: BoundedTally
    /// Sessions started.
    public var sessions = 0
    /// Flow periods ended.
    public var flowPeriods = 0
    /// Interruptions.
    public var interruptions = 0
    /// Σ recovery times.
    public var recoveryTotalMs: Int64 = 0
    /// Recoveries measured.
    public var recoveries = 0
    /// Active time late at night (local), see ``DailySettings/lateNightStart``.
    public var lateNightMs: Int64 = 0
    /// Σ score × active window length (for ``focusScore``).
    public var focusScoreTime = 0.0
    /// Σ active window length behind ``focusScoreTime``.
    public var focusWeightMs: Int64 = 0

    /// An empty day.
    public init(day: Int64, maximumKeys: Int = 16) {
        self.day = day
        languages = BoundedTally(maximumKeys: maximumKeys)
        projects = BoundedTally(maximumKeys: maximumKeys)
    }

    /// Mean recovery time (0 when none).
    public var meanRecoveryMs: Int64 { recoveries > 0 ? recoveryTotalMs / Int64(recoveries) : 0 }

    /// Mean flow score over active windows, in [0, 1].
    public var focusScore: Double {
        focusWeightMs > 0 ? EventTimeMath.unit(focusScoreTime / Double(focusWeightMs)) : 0
    }

    /// The compact record kept in history.
    public var summary: DaySummary {
        DaySummary(day: day, activeMs: activeMs, flowMs: flowMs, focusScore: focusScore,
                   lateNightMs: lateNightMs)
    }
}

/// A closed day as kept in the ledger's history.
public struct DaySummary: Hashable, Sendable {
    /// Local day number.
    public var day: Int64
    /// Active time.
    public var activeMs: Int64
    /// Flow time.
    public var flowMs: Int64
    /// Focus score.
    public var focusScore: Double
    /// Late-night active time.
    public var lateNightMs: Int64
}

/// Wellbeing signals the server can push (and teams can see with consent).
public struct WellbeingIndicators: Hashable, Sendable {
    /// Today's active time exceeds ``DailySettings/longDay``.
    public var longDay: Bool
    /// Today has late-night activity beyond ``DailySettings/lateNightMinimum``.
    public var lateNight: Bool
    /// Consecutive worked days up to today.
    public var consecutiveDays: Int
    /// ``consecutiveDays`` ≥ ``DailySettings/manyConsecutiveDays``.
    public var manyConsecutiveDays: Bool
    /// Least-squares slope of the daily focus score over the last 7 days, per day
    /// (0 with fewer than 4 days of data).
    public var focusTrendPerDay: Double
    /// ``focusTrendPerDay`` below ``DailySettings/fallingFocusSlopePerDay``.
    public var fallingFocusTrend: Bool
}
