import FlowEngine
import Testing

/// `nextIdleTransitionMs` lets the server's sweep sleep until the detector can change state
/// by itself: `advance(toMs:)` must change nothing before it and change the state at it.
struct FlowDetectorNextTransitionTests {
    typealias Driver = FlowDetectorTransitionTests.Driver

    /// Checks the promise at the transition time, one millisecond before, and well before.
    func expectExact(_ detector: FlowDetector, sourceLocation: SourceLocation = #_sourceLocation) {
        let due = detector.nextIdleTransitionMs
        guard due != .max else {
            var probe = detector
            #expect(probe.advance(toMs: detector.lastEventMsForTests + 86_400_000) == nil, sourceLocation: sourceLocation)
            return
        }
        for early in [due - 1, due - 1_000, due - 60_000] where early > Int64.min {
            var probe = detector
            #expect(probe.advance(toMs: early) == nil, "changed at \(early), due \(due)", sourceLocation: sourceLocation)
            #expect(probe.state == detector.state, sourceLocation: sourceLocation)
        }
        var probe = detector
        #expect(probe.advance(toMs: due) != nil, "no change at \(due)", sourceLocation: sourceLocation)
    }

    @Test("never for a detector that has seen nothing, or that is idle")
    func neverWhenIdle() {
        var driver = Driver()
        #expect(driver.detector.nextIdleTransitionMs == .max)
        _ = driver.typing()
        var probe = driver.detector
        let due = driver.detector.nextIdleTransitionMs
        #expect(probe.advance(toMs: due) != nil)
        #expect(probe.state == .idle)
        #expect(probe.nextIdleTransitionMs == .max)
    }

    @Test("exact in warming_up, flow, interrupted and recovering")
    func exactInEveryState() {
        var driver = Driver()
        _ = driver.typing()
        #expect(driver.detector.state == .warmingUp)
        expectExact(driver.detector)

        #expect(driver.enterFlow() != nil)
        #expect(driver.detector.state == .flow)
        expectExact(driver.detector)
        // Quiet but focused windows: the idle rule's clock runs from the last keystroke.
        _ = driver.empty(10)
        #expect(driver.detector.state == .flow)
        expectExact(driver.detector)

        // Flow → interrupted by the idle timer, then the abandonment rule.
        let due = driver.detector.nextIdleTransitionMs
        #expect(driver.detector.advance(toMs: due)?.state == .interrupted)
        expectExact(driver.detector)

        // Interrupted → recovering on typing; its idle rule.
        _ = driver.typing()
        #expect(driver.detector.state == .recovering)
        expectExact(driver.detector)
    }

    @Test("immediate in flow once the editor has been unfocused long enough")
    func unfocusedFlow() {
        var driver = Driver()
        #expect(driver.enterFlow() != nil)
        for _ in 0..<30 where driver.detector.state == .flow {
            _ = driver.empty(10, focused: false)
            expectExact(driver.detector)
        }
    }
}

extension FlowDetector {
    /// A time after every window this detector has seen (for "never changes" checks).
    var lastEventMsForTests: Int64 { FlowDetectorTransitionTests.start + 10 * 86_400_000 }
}
