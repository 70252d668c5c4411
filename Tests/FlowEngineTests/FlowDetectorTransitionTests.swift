import FlowEngine
import Testing

/// One test per row of the transition table in `FlowDetector`'s documentation.
struct FlowDetectorTransitionTests {
    static let start: Int64 = 1_763_000_000_000
    static let steadyIntervals: [Int32] = (0..<48).map { Int32(170 + ($0 * 37) % 60) }
    static let burstyIntervals: [Int32] = (0..<20).map { $0 % 4 == 3 ? 1800 : 60 }

    struct Driver {
        var detector = FlowDetector()
        var baseline = UserBaseline()
        var at = FlowDetectorTransitionTests.start

        mutating func typing(_ seconds: Int64 = 10, intervals: [Int32] = FlowDetectorTransitionTests.steadyIntervals,
                             switches: Int64 = 0) -> FlowAssessment {
            at += seconds * 1000
            let window = ActivityWindow(atMs: at, windowMs: seconds * 1000, keystrokes: Int64(intervals.count + 1),
                                        keystrokeIntervals: intervals, contextSwitches: switches,
                                        focusMs: seconds * 1000)
            return detector.ingest(window, baseline: &baseline)
        }

        /// A window without typing; `focused`: the editor kept focus (reading, thinking).
        mutating func empty(_ seconds: Int64 = 10, focused: Bool = true) -> FlowAssessment {
            at += seconds * 1000
            let window = ActivityWindow(atMs: at, windowMs: seconds * 1000, focusMs: focused ? seconds * 1000 : 0)
            return detector.ingest(window, baseline: &baseline)
        }

        /// Types steadily until in flow (fails the test after 30 windows).
        mutating func enterFlow() -> FlowAssessment? {
            for _ in 0..<30 {
                let assessment = typing()
                if assessment.state == .flow { return assessment }
            }
            return nil
        }
    }

    @Test("idle → warming_up on a window with typing")
    func idleToWarmingUp() {
        var driver = Driver()
        #expect(driver.detector.state == .idle)
        let assessment = driver.typing()
        #expect(assessment.previousState == .idle)
        #expect(assessment.state == .warmingUp)
    }

    /// 10-s windows needed to cover the enter time (75 s → 8).
    static let enterWindows = Int((DetectorSettings().enterAfter.value + 9_999) / 10_000)

    @Test("warming_up → flow after 75 s of active time at or above the threshold, starting where it began")
    func warmingUpToFlow() {
        var driver = Driver()
        var states: [FlowState] = []
        for _ in 0..<Self.enterWindows { states.append(driver.typing().state) }
        #expect(states.dropLast().allSatisfy { $0 == .warmingUp })
        #expect(states.last == .flow)
        #expect(driver.detector.currentFlowMs == Int64(Self.enterWindows) * 10_000)
        #expect(driver.detector.sessionFlowMs == Int64(Self.enterWindows) * 10_000)
        #expect(driver.detector.reason == .steadyRhythm)
    }

    @Test("windows without typing neither build nor reset the enter timer")
    func emptyWindowsHoldTheEnterTimer() {
        var driver = Driver()
        for _ in 0..<6 { _ = driver.typing() }
        for _ in 0..<5 { #expect(driver.empty().state == .warmingUp) }
        var entered = 0
        for index in 0..<12 where driver.typing().state == .flow && entered == 0 { entered = index + 1 }
        #expect(entered >= Self.enterWindows - 6 && entered <= Self.enterWindows - 4, "entered after \(entered) more windows")
    }

    @Test("warming_up → idle after the idle gap, by window or by the server's timer")
    func warmingUpToIdle() {
        var driver = Driver()
        _ = driver.typing()
        var timerCopy = driver.detector
        #expect(driver.empty(60).state == .warmingUp)
        #expect(driver.empty(10).state == .idle)
        #expect(timerCopy.advance(toMs: driver.at - 1) == nil)
        let pushed = timerCopy.advance(toMs: driver.at)
        #expect(pushed?.state == .idle)
        #expect(pushed?.previousState == .warmingUp)
    }

    @Test("flow → warming_up when the score stays below 0.5 for 20 s of typing (faded, not an interruption)")
    func flowFades() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        var faded: FlowAssessment?
        for _ in 0..<20 {
            let assessment = driver.typing(intervals: FlowDetectorTransitionTests.burstyIntervals)
            if assessment.state != .flow { faded = assessment; break }
        }
        #expect(faded?.state == .warmingUp)
        #expect(faded?.endedPeriod?.endReason == .faded)
        #expect(faded?.interrupted == false)
        #expect(driver.detector.interruptions == 0)
        // The period ends where the low stretch began, 20 s or more before it was noticed.
        #expect((faded?.atMs ?? 0) - (faded?.endedPeriod?.endMs ?? 0) >= 20_000)
        #expect(faded?.reason == .unevenRhythm)
    }

    @Test("flow → interrupted after the idle gap; the period ends at the last keystroke")
    func flowIdleGap() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        let lastTyping = driver.at
        var states: [FlowState] = []
        // A thinking pause of up to a minute (editor in focus) keeps flow; 70 s ends it.
        for _ in 0..<7 { states.append(driver.empty().state) }
        #expect(states.prefix(6).allSatisfy { $0 == .flow })
        #expect(states[6] == .interrupted)
        #expect(driver.detector.reason == .idleGap)
        #expect(driver.detector.interruptions == 1)
        #expect(driver.detector.flowPeriods == 1)
        #expect(driver.detector.closedFlowMs == Int64(Self.enterWindows) * 10_000)
        _ = lastTyping
    }

    @Test("flow → interrupted after 20 s with neither typing nor the editor in focus")
    func flowEditorUnfocused() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        #expect(driver.empty(focused: false).state == .flow)
        let away = driver.empty(focused: false)
        #expect(away.state == .interrupted)
        #expect(away.reason == .editorUnfocused)
        #expect(away.interrupted)
    }

    @Test("steady typing with context switches every 20 s leaves flow, blaming the switches")
    func switchesDenyFlowDespiteSteadyTyping() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        var left: FlowAssessment?
        for index in 0..<12 {
            let assessment = driver.typing(switches: index % 2 == 0 ? 1 : 0)
            if assessment.state != .flow { left = assessment; break }
        }
        #expect(left?.state == .warmingUp)
        #expect(left?.reason == .contextSwitches)
        for _ in 0..<12 { #expect(driver.typing(switches: 1).state != .flow) }
    }

    @Test("flow → interrupted on a burst of context switches; the period ends at the window start")
    func flowSwitchBurst() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        let windowStart = driver.at
        let storm = driver.typing(switches: 6)
        #expect(storm.state == .interrupted)
        #expect(storm.endedPeriod?.endReason == .contextSwitchBurst)
        #expect(storm.endedPeriod?.endMs == windowStart)
        #expect(storm.reason == .contextSwitches)
    }

    @Test("a few switches spread over a long window are not a burst (no interruption)")
    func slowSwitchesAreNotABurst() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        let intervals = Array(repeating: FlowDetectorTransitionTests.steadyIntervals, count: 6).flatMap { $0 }
        let assessment = driver.typing(60, intervals: intervals, switches: 4)
        #expect(assessment.state != .interrupted)
        #expect(assessment.endedPeriod?.endReason != .contextSwitchBurst)
    }

    @Test("interrupted → recovering on typing, then recovering → flow with the recovery measured")
    func interruptedRecovers() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        for _ in 0..<9 { _ = driver.empty() }
        #expect(driver.detector.state == .interrupted)
        let back = driver.typing()
        #expect(back.previousState == .interrupted)
        #expect(back.state == .recovering)
        let entered = driver.enterFlow()
        #expect(entered?.previousState == .recovering)
        #expect(entered?.recoveryMs == 90_000)
        #expect(driver.detector.meanRecoveryMs == 90_000)
    }

    @Test("recovering → interrupted on another idle gap (same interruption)")
    func recoveringIdleGap() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        for _ in 0..<9 { _ = driver.empty() }
        _ = driver.typing()
        #expect(driver.detector.state == .recovering)
        for _ in 0..<9 { _ = driver.empty() }
        #expect(driver.detector.state == .interrupted)
        #expect(driver.detector.interruptions == 1)
    }

    @Test("interrupted → idle when recovery is abandoned after 30 min")
    func interruptedToIdle() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        let lastTyping = driver.at
        #expect(driver.detector.advance(toMs: lastTyping + 90_000)?.state == .interrupted)
        // Measured from the interruption, i.e. the last keystroke.
        #expect(driver.detector.advance(toMs: lastTyping + 29 * 60_000) == nil)
        let abandoned = driver.detector.advance(toMs: lastTyping + 30 * 60_000)
        #expect(abandoned?.state == .idle)
        #expect(abandoned?.previousState == .interrupted)
    }

    @Test("at_ms going backwards counts as no time passing")
    func timeGoingBackwards() {
        var driver = Driver()
        _ = driver.typing()
        let before = driver.at
        driver.at -= 3_600_000
        let assessment = driver.typing()
        #expect(assessment.atMs == before)
        #expect(assessment.state == .warmingUp)
    }

    @Test("ending the session closes an open flow period without counting an interruption")
    func sessionEndClosesFlow() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        let period = driver.detector.endSession(atMs: driver.at)
        #expect(period?.endReason == .sessionEnded)
        #expect(period?.durationMs == Int64(Self.enterWindows) * 10_000)
        #expect(driver.detector.interruptions == 0)
        #expect(driver.detector.state == .idle)
    }
}
