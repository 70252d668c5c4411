import FlowEngine
import Testing

struct BreakSchedulerTests {
    static let start: Int64 = 1_763_000_000_000

    /// Feeds `minutes` of 60-s windows starting after `from`; returns the reminders and the end time.
    static func feed(_ scheduler: inout BreakScheduler, from: Int64, minutes: Int, active: Bool = true,
                     inFlow: Bool = false, utcOffsetMs: Int64 = 0) -> (reminders: [BreakReminder], end: Int64) {
        var at = from
        var reminders: [BreakReminder] = []
        for _ in 0..<minutes {
            at += 60_000
            if let reminder = scheduler.record(BreakActivity(atMs: at, windowMs: 60_000, active: active,
                                                             inFlow: inFlow, utcOffsetMs: utcOffsetMs)) {
                reminders.append(reminder)
            }
        }
        return (reminders, at)
    }

    @Test("a due break waits for the end of flow and is delivered at that breakpoint")
    func breakWaitsForEndOfFlow() {
        let windows = SyntheticSession.generate([
            Phase(activity: .steady(intervalMs: 200), minutes: 40),
            Phase(activity: .bursty, minutes: 10),
        ], seed: 40)
        var harness = Harness()
        harness.run(windows)
        let flowEnd = harness.updates.firstIndex { $0.flow.previousState == .flow && !$0.flow.inFlow }
        let reminders = harness.updates.enumerated().filter { $0.element.breakReminder != nil }
        #expect(flowEnd != nil)
        #expect(reminders.first?.offset == flowEnd)
        let reminder = reminders.first?.element.breakReminder
        #expect(reminder?.kind == .micro)
        #expect(reminder?.breakpoint == .flowEnded)
        #expect((reminder?.heldMs ?? 0) >= 14 * 60_000)
        // While held, the coach said so quietly: in flow, at most once per 10 minutes.
        let held = harness.updates.filter { $0.flow.recommendations.contains(.breakAfterFlow) }
        #expect(held.count >= 1 && held.count <= 2)
        let allInFlow = held.allSatisfy { $0.flow.inFlow }
        #expect(allInFlow)
        let spaced = zip(held, held.dropFirst()).allSatisfy { $1.flow.atMs - $0.flow.atMs >= 600_000 }
        #expect(spaced)
    }

    @Test("in flow a due break is held up to the hard cap, then health wins")
    func hardCapWins() {
        let windows = SyntheticSession.generate([Phase(activity: .steady(intervalMs: 200), minutes: 100)], seed: 41)
        var harness = Harness()
        harness.run(windows)
        #expect(harness.states.suffix(400).allSatisfy { $0 == .flow })
        let first = harness.updates.firstIndex { $0.breakReminder != nil }
        // 90 min of activity = 540 windows of 10 s.
        #expect(first == 539)
        let reminder = first.flatMap { harness.updates[$0].breakReminder }
        #expect(reminder?.breakpoint == .hardCap)
        #expect(reminder?.kind == .rest)
        #expect(first.map { harness.updates[$0].flow.recommendations.contains(.pauseAfterLongStretch) } == true)
    }

    @Test("a commit in flow is a natural breakpoint")
    func commitInFlow() {
        var scheduler = BreakScheduler()
        let held = Self.feed(&scheduler, from: Self.start, minutes: 30, inFlow: true)
        #expect(held.reminders.isEmpty)
        #expect(scheduler.isHoldingForFlow)
        let reminder = scheduler.record(BreakActivity(atMs: held.end + 60_000, windowMs: 60_000, active: true,
                                                      inFlow: true, commit: true))
        #expect(reminder?.breakpoint == .commit)
        #expect(reminder?.kind == .micro)
        let activeMs = reminder?.activeMs
        #expect(activeMs == Int64(31 * 60_000))
    }

    @Test("outside flow a due break waits at most the grace time for a breakpoint")
    func outsideFlowGrace() {
        var scheduler = BreakScheduler()
        let result = Self.feed(&scheduler, from: Self.start, minutes: 40)
        #expect(result.reminders.count == 1)
        // Due at 25 min, delivered 2 min later.
        #expect(result.reminders.first?.atMs == Self.start + 27 * 60_000)
        #expect(result.reminders.first?.breakpoint == .outsideFlow)
    }

    @Test("a file save outside flow delivers a due break at once")
    func saveDelivers() {
        var scheduler = BreakScheduler()
        _ = Self.feed(&scheduler, from: Self.start, minutes: 25)
        let reminder = scheduler.record(BreakActivity(atMs: Self.start + 26 * 60_000, windowMs: 60_000,
                                                      active: true, fileSaved: true))
        #expect(reminder?.breakpoint == .outsideFlow)
        #expect(reminder?.heldMs == 60_000)
    }

    @Test("a real pause counts as the break taken")
    func pausesResetCounters() {
        var scheduler = BreakScheduler()
        var result = Self.feed(&scheduler, from: Self.start, minutes: 20)
        // A 2-minute pause (no windows), then 20 more minutes: no micro break.
        result = Self.feed(&scheduler, from: result.end + 120_000, minutes: 20)
        #expect(result.reminders.isEmpty)
        #expect(scheduler.continuousMs == 20 * 60_000)
        #expect(scheduler.sinceRestMs == 40 * 60_000)
        // Idle windows count as a pause too.
        _ = Self.feed(&scheduler, from: result.end, minutes: 6, active: false)
        #expect(scheduler.sinceRestMs == 0)
    }

    @Test("snoozed waits the snooze time, dismissed a full interval, taken resets")
    func acknowledgements() {
        var scheduler = BreakScheduler()
        var result = Self.feed(&scheduler, from: Self.start, minutes: 28)
        let first = result.reminders.first
        #expect(first?.id == 1)
        let stale = scheduler.receivedAck(reminder: 99, action: .taken, atMs: result.end)
        #expect(stale == false)
        let snoozed = scheduler.receivedAck(reminder: 1, action: .snoozed, atMs: result.end)
        #expect(snoozed)
        result = Self.feed(&scheduler, from: result.end, minutes: 9)
        #expect(result.reminders.isEmpty)
        result = Self.feed(&scheduler, from: result.end, minutes: 3)
        #expect(result.reminders.count == 1)
        #expect(result.reminders.first?.id == 2)
        let dismissedOK = scheduler.receivedAck(reminder: 2, action: .dismissed, atMs: result.end)
        #expect(dismissedOK)
        let dismissed = Self.feed(&scheduler, from: result.end, minutes: 10)
        #expect(dismissed.reminders.isEmpty)
        // A rest break is due at 50 min without a rest pause regardless.
        let rest = Self.feed(&scheduler, from: dismissed.end, minutes: 10)
        #expect(rest.reminders.first?.kind == .rest)
        if let id = rest.reminders.first?.id {
            let taken = scheduler.receivedAck(reminder: id, action: .taken, atMs: rest.end)
            #expect(taken)
        }
        #expect(scheduler.sinceRestMs == 0)
        #expect(scheduler.continuousMs == 0)
    }

    @Test("the daily limit is reminded once per local day and resets at local midnight")
    func dailyLimit() {
        var settings = BreakSettings()
        settings.dailyLimit = .hours(2)
        settings.microAfter = .hours(24)
        settings.restAfter = .hours(24)
        settings.hardCap = .hours(24)
        var scheduler = BreakScheduler(settings: settings)
        // Local midnight at UTC+2 for a start at 00:00 local.
        let offset: Int64 = 2 * 3_600_000
        let midnight = (Self.start / LocalTime.dayMs) * LocalTime.dayMs + LocalTime.dayMs - offset
        var result = Self.feed(&scheduler, from: midnight + 8 * 3_600_000, minutes: 150, utcOffsetMs: offset)
        #expect(result.reminders.map(\.kind) == [.dailyLimit])
        if let id = result.reminders.first?.id {
            scheduler.receivedAck(reminder: id, action: .dismissed, atMs: result.end)
        }
        result = Self.feed(&scheduler, from: result.end, minutes: 60, utcOffsetMs: offset)
        #expect(result.reminders.isEmpty)
        result = Self.feed(&scheduler, from: midnight + LocalTime.dayMs + 8 * 3_600_000, minutes: 125,
                           utcOffsetMs: offset)
        #expect(result.reminders.map(\.kind) == [.dailyLimit])
    }

    @Test("overlapping sessions of one user count active time once")
    func overlappingSessions() {
        var scheduler = BreakScheduler()
        var at = Self.start
        for _ in 0..<10 {
            at += 60_000
            _ = scheduler.record(BreakActivity(atMs: at, windowMs: 60_000, active: true))
            _ = scheduler.record(BreakActivity(atMs: at - 30_000, windowMs: 60_000, active: true))
        }
        #expect(scheduler.continuousMs == 10 * 60_000)
    }

    @Test("reminder ids are a deterministic per-user counter with a stable wire form")
    func reminderIDs() {
        var scheduler = BreakScheduler(firstReminderID: 7)
        let result = Self.feed(&scheduler, from: Self.start, minutes: 60)
        #expect(result.reminders.map(\.id) == [7, 8, 9])
        #expect(result.reminders.first?.wireID == "b-7")
        #expect(BreakReminder.id(fromWire: "b-7") == 7)
        #expect(BreakReminder.id(fromWire: "x-7") == nil)
        #expect(BreakKind.dailyLimit.wireName == "daily_limit")
        #expect(BreakAction(wireName: "snoozed") == .snoozed)
    }
}
