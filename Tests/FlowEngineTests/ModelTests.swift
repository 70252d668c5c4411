import FlowEngine
import Testing

/// Wire names, small value types and the memory budgets of the engine.
struct ModelTests {
    @Test("flow states use the PROTOCOL.md wire names and parse back")
    func flowStateWireNames() {
        #expect(FlowState.allCases.map(\.wireName) == ["idle", "warming_up", "flow", "interrupted", "recovering"])
        for state in FlowState.allCases { #expect(FlowState(wireName: state.wireName) == state) }
        #expect(FlowState(wireName: "Flow") == nil)
    }

    @Test("a recommendation set iterates its members in order without duplicates")
    func recommendationSet() {
        var set: RecommendationSet = [.slowDownForAccuracy, .resetWithShortBreak]
        set.insert(.slowDownForAccuracy)
        set.insert(.pauseAfterLongStretch)
        #expect(Array(set) == [.resetWithShortBreak, .slowDownForAccuracy, .pauseAfterLongStretch])
        #expect(set.count == 3)
        #expect(set.contains(.resetWithShortBreak) && !set.contains(.protectFlow))
        #expect(RecommendationSet().isEmpty)
    }

    @Test("recommendation texts are short, distinct and stable")
    func recommendationTexts() {
        let texts = Recommendation.allCases.map(\.text)
        #expect(Set(texts).count == texts.count)
        #expect(texts.allSatisfy { $0.count <= 80 })
        #expect(Recommendation.useFocusMode.text == "Try using focus mode or disable non-essential notifications")
        #expect(Set(Recommendation.allCases.map(\.code)).count == Recommendation.allCases.count)
    }

    @Test("milliseconds saturate instead of trapping")
    func saturatingMilliseconds() {
        #expect((Milliseconds(.max) + .seconds(1)).value == .max)
        #expect((Milliseconds(.min) - .seconds(1)).value == .min)
        #expect(Milliseconds.hours(.max).value == .max)
        #expect(Milliseconds.minutes(2) == .seconds(120))
    }

    @Test("local days and times of day handle negative instants and offsets")
    func localTime() {
        #expect(LocalTime.day(atMs: -1, utcOffsetMs: 0) == -1)
        #expect(LocalTime.timeOfDay(atMs: -1, utcOffsetMs: 0) == LocalTime.dayMs - 1)
        #expect(LocalTime.day(atMs: 0, utcOffsetMs: -3_600_000) == -1)
        #expect(LocalTime.timeOfDay(atMs: 0, utcOffsetMs: 3_600_000) == 3_600_000)
        #expect(LocalTime.day(atMs: .max, utcOffsetMs: .max) == Int64.max / LocalTime.dayMs)
    }

    @Test("per-session state fits 1 KiB and the per-user baseline 256 bytes")
    func memoryBudgets() {
        print("sizes: FlowSession \(MemoryLayout<FlowSession>.size), FlowDetector \(MemoryLayout<FlowDetector>.size), "
            + "UserBaseline \(MemoryLayout<UserBaseline>.size), UserCoach \(MemoryLayout<UserCoach>.size), "
            + "FlowAssessment \(MemoryLayout<FlowAssessment>.size)")
        #expect(MemoryLayout<FlowSession>.size <= 1024)
        // The detector holds its settings (thresholds and the calibration table's reference).
        #expect(MemoryLayout<FlowDetector>.size <= 640)
        #expect(MemoryLayout<UserBaseline>.size <= 256)
        #expect(MemoryLayout<UserCoach>.size <= 1024)
    }

    @Test("the seed detector keeps seed 004's flaws: errors raise the score, focus seconds are unbounded")
    func seedDetectorAsWritten() {
        let intervals = [Int32](repeating: 200, count: 20)
        var calm = SeedDetector()
        var stormy = SeedDetector()
        let base = ActivityWindow(atMs: 1_000_000, windowMs: 5_000, keystrokes: 21, keystrokeIntervals: intervals,
                                  focusMs: 1_000)
        var errors = base
        errors.errorEvents = 10
        #expect(stormy.ingest(errors).intensity > calm.ingest(base).intensity)
        var fast = SeedDetector()
        var window = base
        window.keystrokeIntervals = [Int32](repeating: 70, count: 20)
        window.focusMs = 60_000
        let assessment = fast.ingest(window)
        #expect(assessment.components.rhythm == 0.3)
        #expect(assessment.inFlow)
    }
}
