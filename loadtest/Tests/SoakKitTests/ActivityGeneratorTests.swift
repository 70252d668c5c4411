import SoakKit
import TestSupport
import Testing

struct ActivityGeneratorTests {
    static let steady = TypistProfile(medianIntervalMs: 120, spread: 0.3, focusWeight: 3, normalWeight: 2, stormWeight: 1, idleWeight: 1)

    private func windows(seed: UInt64, count: Int, profile: TypistProfile = steady, windowMs: Int64 = 10_000) -> [ActivityWindow] {
        var random = SeededGenerator(seed: seed)
        var generator = ActivityGenerator(profile: profile, windowMs: windowMs, startMs: 1_800_000_000_000, using: &random)
        return (0..<count).map { _ in generator.next(using: &random) }
    }

    @Test("the same seed produces the same session, window for window")
    func deterministic() {
        #expect(windows(seed: 42, count: 300) == windows(seed: 42, count: 300))
        #expect(windows(seed: 42, count: 300) != windows(seed: 43, count: 300))
    }

    @Test("seqs count up from 1 and event time advances by at least one window")
    func sequenceAndTime() {
        let session = windows(seed: 7, count: 500)
        #expect(session.map(\.seq) == Array(1...500))
        for (previous, next) in zip(session, session.dropFirst()) {
            #expect(next.atMs - previous.atMs >= 10_000)
        }
    }

    @Test("every window is a valid activity: ≤ 512 intervals that fit the window, keystrokes = intervals + 1")
    func windowsAreValid() {
        for window in windows(seed: 11, count: 1_000) {
            #expect(window.keystrokeIntervals.count <= 512)
            #expect(window.keystrokeIntervals.reduce(0) { $0 + Int64($1) } <= window.windowMs)
            #expect(window.keystrokeIntervals.allSatisfy { $0 >= 20 && $0 <= 60_000 })
            #expect(window.keystrokes == (window.keystrokeIntervals.isEmpty ? 0 : Int64(window.keystrokeIntervals.count + 1)))
            #expect(window.focusMs >= 0 && window.focusMs <= window.windowMs)
            #expect(window.linesAdded >= 0 && window.linesDeleted >= 0)
        }
    }

    @Test("a session visits focused typing, switching storms and idle gaps")
    func phasesVary() {
        let session = windows(seed: 5, count: 2_000)
        // Focused windows: about 64 intervals, no switching.
        #expect(session.contains { $0.keystrokeIntervals.count >= 56 && $0.contextSwitches == 0 })
        // Storms: many switches.
        #expect(session.contains { $0.contextSwitches >= 4 })
        // Idle: nothing typed, and event time jumped by more than the detector's 90 s idle gap.
        #expect(session.contains { $0.keystrokes == 0 })
        #expect(zip(session, session.dropFirst()).contains { $1.atMs - $0.atMs > 90_000 + 10_000 })
    }

    @Test("fast typists type with shorter intervals than slow ones")
    func typingSpeed() {
        let fast = TypistProfile(medianIntervalMs: 90, spread: 0.3, focusWeight: 1, normalWeight: 1, stormWeight: 0, idleWeight: 0)
        let slow = TypistProfile(medianIntervalMs: 300, spread: 0.3, focusWeight: 1, normalWeight: 1, stormWeight: 0, idleWeight: 0)
        func median(_ profile: TypistProfile) -> Int32 {
            let values = windows(seed: 3, count: 200, profile: profile).flatMap(\.keystrokeIntervals).filter { $0 < 1_500 }.sorted()
            return values[values.count / 2]
        }
        let fastMedian = median(fast)
        let slowMedian = median(slow)
        #expect(fastMedian < 120 && slowMedian > 220, "fast \(fastMedian) ms, slow \(slowMedian) ms")
    }

    @Test("drawn people span fast, average and slow typists")
    func population() {
        var random = SeededGenerator(seed: 99)
        let medians = (0..<300).map { _ in TypistProfile.random(using: &random).medianIntervalMs }
        #expect(medians.contains { $0 < 125 })
        #expect(medians.contains { $0 > 130 && $0 < 200 })
        #expect(medians.contains { $0 > 210 })
        #expect(medians.allSatisfy { $0 >= 85 && $0 <= 330 })
    }

    @Test("the summary totals add up every window")
    func totals() {
        var totals = ActivityTotals()
        let session = windows(seed: 8, count: 50)
        for window in session { totals.add(window) }
        #expect(totals.keystrokes == session.reduce(0) { $0 + $1.keystrokes })
        #expect(totals.linesAdded == session.reduce(0) { $0 + $1.linesAdded })
        #expect(totals.linesDeleted == session.reduce(0) { $0 + $1.linesDeleted })
    }
}
