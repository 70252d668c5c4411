import Testing
@testable import FlowEngine

/// A server holds a detector per live session: the settings are shared, not copied into each.
struct SharedSettingsTests {
    @Test("sessions started from one configuration share one copy of the detector settings")
    func sessionsShareSettings() {
        var coach = UserCoach()
        let first = coach.startSession(atMs: 0)
        let second = coach.startSession(atMs: 1)
        #expect(first.detector.sharedSettings === second.detector.sharedSettings)
        // The settings are over 200 bytes; what a detector holds of them is one reference.
        #expect(MemoryLayout<DetectorSettings>.size > 200)
        #expect(MemoryLayout<FlowDetector>.size <= 336)
    }

    @Test("changing a setting of a configuration gives it its own copy and leaves the others alone")
    func copyOnChange() {
        let standard = FlowEngineConfiguration.standard
        var tuned = standard
        tuned.detector.enterThreshold = 0.8
        #expect(tuned.detector.enterThreshold == 0.8)
        #expect(standard.detector.enterThreshold == 0.7)
        #expect(tuned != standard)
        var same = standard
        same.detector.enterThreshold = 0.7
        #expect(same == standard && same.hashValue == standard.hashValue)
        #expect(FlowDetector(sharing: tuned.sharedDetector).settings.enterThreshold == 0.8)
    }
}
