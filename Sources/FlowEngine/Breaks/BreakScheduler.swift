/// Break coaching for one user, fed by every window of all of the user's sessions.
/// Decisions come back as values (a ``BreakReminder`` or `nil`); there are no timers.
///
/// - Active time is counted once even when two sessions overlap (the union of windows).
/// - A pause of `microBreakLength` resets continuous activity; `restBreakLength` resets the
///   rest counter too (a real pause is a break taken).
/// - `micro` is due after `microAfter` of continuous activity, `rest` after `restAfter`
///   without a rest pause, `daily_limit` at `dailyLimit` active in a local day (highest
///   priority first: daily_limit, rest, micro).
/// - **Never interrupt flow:** in flow a due break waits for a commit, a short idle gap or
///   the end of flow; outside flow for a save, commit, short pause or `outOfFlowGrace`.
///   Past `hardCap` without a rest pause it is delivered anyway.
/// - `break.ack` answers are honoured: taken resets, snoozed waits `snooze`, dismissed waits
///   a full interval. An unanswered reminder is repeated after `repeatAfter`, except the
///   daily limit, which is said once a day (again only after a snooze).
public struct BreakScheduler: Hashable, Sendable {
    /// The durations in force.
    public var settings: BreakSettings
    /// Continuous active time since the last micro pause.
    public internal(set) var continuousMs: Int64 = 0
    /// Active time since the last rest pause.
    public internal(set) var sinceRestMs: Int64 = 0
    /// Active time in the current local day.
    public internal(set) var dayActiveMs: Int64 = 0
    /// The current local day number.
    public internal(set) var localDay: Int64 = .min

    var lastAtMs: Int64 = .min
    var activeUntilMs: Int64 = .min
    var microEligibleMs: Int64 = .min
    var restEligibleMs: Int64 = .min
    var dailyEligibleMs: Int64 = .min
    var dailyDoneDay: Int64 = .min
    var snoozedUntilMs: Int64 = .min
    var dueSinceMs: Int64 = .min
    /// The delivered, unanswered reminder (0 = none) and its kind.
    var outstandingID: UInt64 = 0
    var outstandingKind = BreakKind.micro
    var nextID: UInt64

    /// A scheduler with nothing counted; ids start at `firstReminderID`.
    public init(settings: BreakSettings = BreakSettings(), firstReminderID: UInt64 = 1) {
        self.settings = settings
        nextID = Swift.max(firstReminderID, 1)
    }

    /// A break is due but held back to protect flow (the coach may say so, quietly).
    public internal(set) var isHoldingForFlow = false

    /// Feeds one window; returns a reminder when a due break meets a good moment.
    public mutating func record(_ activity: BreakActivity) -> BreakReminder? {
        let at = lastAtMs == .min ? activity.atMs : Swift.max(activity.atMs, lastAtMs)
        lastAtMs = at
        let length = activity.windowMs.clamped(to: 0...Milliseconds.minutes(10).value)
        let start = at.saturatingSubtracted(length)
        let day = LocalTime.day(atMs: at, utcOffsetMs: activity.utcOffsetMs)
        if day != localDay {
            localDay = day
            dayActiveMs = 0
        }
        guard activity.active else {
            isHoldingForFlow = false
            if activeUntilMs != .min { notePause(at.saturatingSubtracted(activeUntilMs)) }
            return nil
        }
        var shortIdle = false
        if activeUntilMs != .min {
            let gap = start.saturatingSubtracted(activeUntilMs)
            notePause(gap)
            shortIdle = gap >= settings.shortIdle.value && gap < settings.microBreakLength.value
        }
        let added = activeUntilMs == .min
            ? length : Swift.max(0, at.saturatingSubtracted(Swift.max(start, activeUntilMs)))
        continuousMs = continuousMs.saturatingAdded(added)
        sinceRestMs = sinceRestMs.saturatingAdded(added)
        dayActiveMs = dayActiveMs.saturatingAdded(added)
        activeUntilMs = Swift.max(activeUntilMs, at)
        return decide(activity, atMs: at, shortIdle: shortIdle)
    }

    /// Applies a `break.ack`. Returns `false` (and changes nothing) for an id that is not
    /// the outstanding reminder.
    @discardableResult
    public mutating func receivedAck(reminder id: UInt64, action: BreakAction, atMs: Int64) -> Bool {
        guard outstandingID != 0, outstandingID == id else { return false }
        let kind = outstandingKind
        outstandingID = 0
        dueSinceMs = .min
        isHoldingForFlow = false
        switch action {
        case .taken:
            continuousMs = 0
            if kind != .micro { sinceRestMs = 0 }
            if kind == .dailyLimit { dailyDoneDay = localDay }
        case .snoozed:
            let until = atMs.saturatingAdded(settings.snooze.value)
            snoozedUntilMs = until
            switch kind {
            case .micro: microEligibleMs = until
            case .rest: restEligibleMs = until
            case .dailyLimit:
                dailyDoneDay = .min
                dailyEligibleMs = until
            }
        case .dismissed:
            switch kind {
            case .micro: microEligibleMs = atMs.saturatingAdded(settings.microAfter.value)
            case .rest: restEligibleMs = atMs.saturatingAdded(settings.restAfter.value)
            case .dailyLimit: dailyDoneDay = localDay
            }
        }
        return true
    }

    /// A pause of `gapMs` happened: long enough pauses are breaks taken.
    private mutating func notePause(_ gapMs: Int64) {
        if gapMs >= settings.restBreakLength.value {
            continuousMs = 0
            sinceRestMs = 0
            clearDue(upTo: .rest)
        } else if gapMs >= settings.microBreakLength.value {
            continuousMs = 0
            clearDue(upTo: .micro)
        }
    }

    private mutating func clearDue(upTo kind: BreakKind) {
        if outstandingID != 0, outstandingKind.rawValue <= kind.rawValue { outstandingID = 0 }
        dueSinceMs = .min
    }

    /// The break that is due now, if any (highest priority first).
    func dueKind(atMs: Int64) -> BreakKind? {
        if dayActiveMs >= settings.dailyLimit.value, dailyDoneDay != localDay,
           atMs >= dailyEligibleMs { return .dailyLimit }
        if sinceRestMs >= settings.restAfter.value, atMs >= restEligibleMs { return .rest }
        if continuousMs >= settings.microAfter.value, atMs >= microEligibleMs { return .micro }
        return nil
    }

    private mutating func decide(_ activity: BreakActivity, atMs at: Int64,
                                 shortIdle: Bool) -> BreakReminder? {
        isHoldingForFlow = false
        guard let kind = dueKind(atMs: at), at >= snoozedUntilMs else { return nil }
        if dueSinceMs == .min { dueSinceMs = at }
        let breakpoint: BreakBreakpoint?
        if sinceRestMs >= settings.hardCap.value {
            breakpoint = .hardCap
        } else if activity.inFlow {
            breakpoint = activity.commit ? .commit : (shortIdle ? .shortIdle : nil)
        } else if activity.flowEnded {
            breakpoint = .flowEnded
        } else if activity.fileSaved || activity.commit || shortIdle
                    || at.saturatingSubtracted(dueSinceMs) >= settings.outOfFlowGrace.value {
            breakpoint = .outsideFlow
        } else {
            breakpoint = nil
        }
        guard let breakpoint else {
            isHoldingForFlow = activity.inFlow
            return nil
        }
        let reminder = BreakReminder(
            id: nextID, kind: kind, atMs: at,
            activeMs: kind == .micro ? continuousMs : (kind == .rest ? sinceRestMs : dayActiveMs),
            heldMs: Swift.max(0, at.saturatingSubtracted(dueSinceMs)), breakpoint: breakpoint)
        nextID &+= 1
        outstandingID = reminder.id
        outstandingKind = kind
        dueSinceMs = .min
        let again = at.saturatingAdded(settings.repeatAfter.value)
        switch kind {
        case .dailyLimit: dailyDoneDay = localDay  // once a day, unless snoozed
        case .rest: restEligibleMs = again; microEligibleMs = Swift.max(microEligibleMs, again)
        case .micro: microEligibleMs = again
        }
        return reminder
    }
}
