/// Every threshold of the engine in one place, with the documented defaults.
///
/// Durations are ``Milliseconds`` of *event time* (the client's `at_ms`). The server may keep
/// one configuration per user (break durations are personal); the replay front end builds
/// one from its flags.
public struct FlowEngineConfiguration: Hashable, Sendable {
    /// Flow detection (per session).
    public var detector: DetectorSettings {
        get { sharedDetector.value }
        set { sharedDetector = SharedDetectorSettings(newValue) }
    }
    /// ``detector`` as the one copy the sessions built from this configuration share.
    public private(set) var sharedDetector = SharedDetectorSettings(DetectorSettings())
    /// Break coaching (per user).
    public var breaks = BreakSettings()
    /// Daily aggregates, streaks and wellbeing (per user).
    public var daily = DailySettings()

    /// The defaults below.
    public init() {}

    /// The seed-004 defaults, made configurable.
    public static let standard = FlowEngineConfiguration()
}

/// Flow detector settings.
public struct DetectorSettings: Hashable, Sendable {
    /// Weight of keystroke rhythm (seed: 0.4).
    public var rhythmWeight = 0.4
    /// Weight of focus, i.e. few context switches (seed: 0.3).
    public var focusWeight = 0.3
    /// Weight of few error events (seed: 0.2).
    public var errorWeight = 0.2
    /// Weight of the editor-focus share of the window (seed: 0.1).
    public var focusTimeWeight = 0.1
    /// Enter threshold on the smoothed score (seed: 0.7).
    public var enterThreshold = 0.7
    /// Flow fades when the smoothed score stays below this (default 0.5).
    public var exitThreshold = 0.5
    /// Active time the smoothed score must stay ≥ ``enterThreshold`` before flow (75 s).
    public var enterAfter = Milliseconds.seconds(75)
    /// Active time below ``exitThreshold`` that ends flow (20 s).
    public var exitAfter = Milliseconds.seconds(20)
    /// No keystrokes for this long is an idle gap: it interrupts flow (70 s; a thinking pause
    /// of up to a minute with the editor in focus does not).
    public var idleGap = Milliseconds.seconds(70)
    /// No keystrokes *and* the editor out of focus (< 20 % of the window) for this long ends
    /// flow before the idle gap: the person is elsewhere (20 s).
    public var unfocusedGap = Milliseconds.seconds(20)
    /// Smoothed context switches per minute at or below which focus scores 1 (0.6/min) …
    public var switchesFullPerMinute = 0.6
    /// … and at or above which it scores 0 (3/min): ordinary work switches 1.5–4 times a
    /// minute, so steady typing cannot outvote it.
    public var switchesZeroPerMinute = 3.0
    /// Smoothed error events per minute at or below which the error component scores 1 (0.4/min) …
    public var errorsFullPerMinute = 0.4
    /// … and at or above which it scores 0 (2.5/min).
    public var errorsZeroPerMinute = 2.5
    /// Editor-focus share of the time at or above which focus time scores 1 (0.93) …
    public var focusShareFull = 0.93
    /// … and at or below which it scores 0 (0.7).
    public var focusShareZero = 0.7
    /// A window with at least this many context switches … (4)
    public var switchBurstMinimum: Int64 = 4
    /// … at a rate of at least this many per minute is a burst that interrupts flow (8/min).
    public var switchBurstPerMinute = 8.0
    /// The confidence of a call per evidence cell (see `FlowDetector.confidenceCell`):
    /// not in flow × {calm, under pressure} × dwell {< 1 min, < 3 min, longer}, then the same
    /// in flow. Each is the share of right calls in that cell on the *tuning* corpora
    /// (`FLOWCOACH_TUNE=1 swift test --filter TuningTests`), so a confidence of 0.9 means
    /// "right about 9 times in 10".
    public var confidenceTable: [Double] = [
        0.92, 0.97, 0.96, 0.31, 0.44, 0.48,  // not in flow: calm, then under pressure
        0.97, 0.98, 0.98, 0.85, 0.98, 0.83,  // in flow: calm, then under pressure
    ]
    /// Half-life of the event-time EWMA that smooths every component (30 s).
    public var smoothingHalfLife = Milliseconds.seconds(30)
    /// Intervals longer than this are pauses, not rhythm (2 s).
    public var pauseCutoff = Milliseconds.seconds(2)
    /// Fewer usable intervals than this in a window is "no rhythm evidence" (seed: 5).
    public var minimumIntervals = 5
    /// Intervals the personal baseline needs before rhythm is scored against it (400).
    public var baselineMinimumIntervals: UInt32 = 400
    /// Windows longer than this are clamped (10 min).
    public var maximumWindow = Milliseconds.minutes(10)
    /// After an interruption, recovery is abandoned (state → idle) after this long idle (30 min).
    public var recoveryAbandonAfter = Milliseconds.minutes(30)
    /// The same recommendation is not repeated within this time (10 min).
    public var recommendationCooldown = Milliseconds.minutes(10)
    /// A low score (< 0.4) must last this long before suggesting a reset break (5 min).
    public var lowScoreBreakAfter = Milliseconds.minutes(5)

    /// The defaults above.
    public init() {}
}

/// Break coaching settings (all configurable per user).
public struct BreakSettings: Hashable, Sendable {
    /// A `micro` break is suggested after this much continuous activity (25 min).
    public var microAfter = Milliseconds.minutes(25)
    /// A pause at least this long counts as a micro break taken (1 min).
    public var microBreakLength = Milliseconds.minutes(1)
    /// A `rest` break is suggested after this much activity without a rest pause (50 min).
    public var restAfter = Milliseconds.minutes(50)
    /// A pause at least this long counts as a rest break taken (5 min).
    public var restBreakLength = Milliseconds.minutes(5)
    /// A `daily_limit` reminder at this much active time in a local day (8 h).
    public var dailyLimit = Milliseconds.hours(8)
    /// Past this much activity without a rest pause a due break is delivered even in flow (90 min).
    public var hardCap = Milliseconds.minutes(90)
    /// An idle gap at least this long (but shorter than a micro break) is a natural breakpoint (20 s).
    public var shortIdle = Milliseconds.seconds(20)
    /// Outside flow, a due break waits at most this long for a breakpoint (2 min).
    public var outOfFlowGrace = Milliseconds.minutes(2)
    /// `snoozed` holds reminders for this long (10 min).
    public var snooze = Milliseconds.minutes(10)
    /// An unanswered reminder is repeated after this long (15 min).
    public var repeatAfter = Milliseconds.minutes(15)

    /// The defaults above.
    public init() {}
}

/// Daily aggregate, streak and wellbeing settings.
public struct DailySettings: Hashable, Sendable {
    /// A day counts towards the streak with at least this much active time (1 h).
    public var streakGoal = Milliseconds.hours(1)
    /// A day with more active time than this is a long day (10 h).
    public var longDay = Milliseconds.hours(10)
    /// Local time of day (ms after midnight) after which work is late-night (23:00).
    public var lateNightStart = Milliseconds.hours(23)
    /// Local time of day before which work is still late-night (05:00).
    public var lateNightEnd = Milliseconds.hours(5)
    /// Late-night activity beyond this much in a day raises the indicator (10 min).
    public var lateNightMinimum = Milliseconds.minutes(10)
    /// A day with at least this much activity counts as a worked day (15 min).
    public var workedDayMinimum = Milliseconds.minutes(15)
    /// This many consecutive worked days raises the indicator (10).
    public var manyConsecutiveDays = 10
    /// A least-squares focus slope below this per day over 7 days is a falling trend (-0.02).
    public var fallingFocusSlopePerDay = -0.02
    /// Distinct languages / projects tracked per day before the rest go to "other" (16).
    public var maximumTallyKeys = 16

    /// The defaults above.
    public init() {}
}
