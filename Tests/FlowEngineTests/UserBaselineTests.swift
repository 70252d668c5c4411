import FlowEngine
import Testing

struct UserBaselineTests {
    @Test("the baseline fits the budget: at most 256 bytes in memory")
    func memoryBudget() {
        #expect(MemoryLayout<UserBaseline>.size <= 256)
        #expect(UserBaseline.encodedByteCount <= 256)
    }

    @Test("the sketch's quantiles track the typist within one bucket", arguments: [70.0, 200.0, 400.0])
    func quantilesTrackTypist(intervalMs: Double) {
        let baseline = learnedBaseline(intervalMs: intervalMs)
        let median = baseline.medianIntervalMs
        #expect(abs(median / intervalMs - 1) < 0.15, "median \(median) for \(intervalMs)")
        #expect(baseline.quantileIntervalMs(0.1) < median)
        #expect(baseline.quantileIntervalMs(0.9) > median)
        #expect(baseline.typicalDeviationOctaves > 0.2 && baseline.typicalDeviationOctaves < 0.8)
    }

    @Test("encode and decode round-trip exactly")
    func roundTrip() {
        let baseline = learnedBaseline(intervalMs: 150)
        let bytes = baseline.encode()
        #expect(bytes.count == UserBaseline.encodedByteCount)
        let decoded = UserBaseline(bytes: bytes)
        #expect(decoded == baseline)
        #expect(decoded?.encode() == bytes)
        #expect(UserBaseline(bytes: UserBaseline().encode()) == UserBaseline())
    }

    @Test("malformed bytes are refused, never trusted")
    func malformedBytes() {
        let bytes = learnedBaseline(intervalMs: 150).encode()
        #expect(UserBaseline(bytes: bytes.dropLast()) == nil)
        #expect(UserBaseline(bytes: bytes + [0]) == nil)
        #expect(UserBaseline(bytes: [UInt8]()) == nil)
        var wrongMagic = bytes
        wrongMagic[0] = 0
        #expect(UserBaseline(bytes: wrongMagic) == nil)
        var wrongVersion = bytes
        wrongVersion[2] = 2
        #expect(UserBaseline(bytes: wrongVersion) == nil)
        var notANumber = bytes
        for offset in 139..<143 { notANumber[offset] = 0xFF }
        #expect(UserBaseline(bytes: notANumber) == nil)
    }

    @Test("counts halve instead of overflowing, keeping the shape")
    func countsHalve() {
        var detector = FlowDetector()
        var baseline = UserBaseline()
        let intervals = [Int32](repeating: 100, count: 512)
        for index in 0..<300 {
            let window = ActivityWindow(atMs: Int64(index) * 10_000, windowMs: 10_000, keystrokes: 513,
                                        keystrokeIntervals: intervals, focusMs: 10_000)
            _ = detector.ingest(window, baseline: &baseline)
        }
        #expect(baseline.intervalsLearned == 300 * 512)
        #expect(abs(baseline.medianIntervalMs - 100) < 8)
    }
}
