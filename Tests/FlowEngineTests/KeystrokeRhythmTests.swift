@testable import FlowEngine
import Testing
import TestSupport

/// The one-pass rhythm analysis and the baseline's sketch it feeds, against plain
/// reference arithmetic.
struct KeystrokeRhythmTests {
    /// Learns `intervals` into `baseline` and returns the window's rhythm.
    private func learn(_ intervals: [Int32], into baseline: inout UserBaseline,
                       pauseCutoffMs: Int64 = 2_000) -> KeystrokeRhythm {
        intervals.withUnsafeBufferPointer { baseline.learn(intervals: $0, pauseCutoffMs: pauseCutoffMs) }
    }

    @Test("the bucket table agrees with the clamp for every log index an interval can have")
    func bucketTable() {
        #expect(UserBaseline.bucketOfLogIndex.count == KeystrokeRhythm.maximumLogIndex + 1)
        #expect(KeystrokeRhythm.maximumLogIndex == KeystrokeRhythm.logIndex(UInt32(KeystrokeRhythm.pauseCapMs)))
        let clamped = UserBaseline.bucketOfLogIndex.indices.map { UserBaseline.bucket(forLogIndex: $0) }
        #expect(UserBaseline.bucketOfLogIndex.map(Int.init) == clamped)
    }

    @Test("each usable interval lands in its bucket; pauses and garbage are not learned")
    func everyIntervalInItsBucket() {
        let cutoff: Int64 = 2_000
        for value in Int32(-2)...Int32(9_000) {
            var baseline = UserBaseline()
            let rhythm = learn([value], into: &baseline, pauseCutoffMs: cutoff)
            let usable = value > 0 && Int64(value) <= cutoff
            let expectedBucket = usable
                ? UserBaseline.bucket(forLogIndex: KeystrokeRhythm.logIndex(UInt32(value))) : -1
            for bucket in 0..<UserBaseline.bucketCount {
                let count = baseline.count(at: bucket)
                if count != (bucket == expectedBucket ? 1 : 0) {
                    Issue.record("interval \(value): bucket \(bucket) holds \(count)")
                    return
                }
            }
            #expect(rhythm.count == (usable ? 1 : 0))
            #expect(rhythm.pauses == (value > 0 && !usable ? 1 : 0))
        }
    }

    @Test("the statistics match a two-pass reference on random windows")
    func statisticsMatchReference() {
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<500 {
            let length = Int(generator.next() % 80)
            let intervals = (0..<length).map { _ -> Int32 in
                switch generator.next() % 10 {
                case 0: return Int32(truncatingIfNeeded: generator.next() % 20_000)  // pauses
                case 1: return -Int32(truncatingIfNeeded: generator.next() % 5)      // garbage
                default: return Int32(truncatingIfNeeded: 30 + generator.next() % 600)
                }
            }
            var baseline = UserBaseline()
            let rhythm = learn(intervals, into: &baseline)
            let usable = intervals.filter { $0 > 0 && $0 <= 2_000 }.map(Double.init)
            let logs = intervals.filter { $0 > 0 }.map {
                Double(KeystrokeRhythm.logIndex(UInt32(min($0, KeystrokeRhythm.pauseCapMs))))
            }
            #expect(rhythm.count == usable.count)
            #expect(rhythm.pauses == logs.count - usable.count)
            guard !usable.isEmpty else { continue }
            let mean = usable.reduce(0, +) / Double(usable.count)
            let deviation = (usable.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(usable.count)).squareRoot()
            let logMean = logs.reduce(0, +) / Double(logs.count)
            let logDeviation = (logs.map { ($0 - logMean) * ($0 - logMean) }.reduce(0, +) / Double(logs.count)).squareRoot()
                / Double(KeystrokeRhythm.logUnitsPerOctave)
            #expect(abs(rhythm.mean - mean) < 1e-9 * mean)
            #expect(abs(rhythm.coefficientOfVariation - deviation / mean) < 1e-6)
            #expect(abs(rhythm.logMean - logMean) < 1e-9 * logMean)
            #expect(abs(rhythm.logDeviationOctaves - logDeviation) < 1e-6)
            #expect((0..<UserBaseline.bucketCount).reduce(0) { $0 + baseline.count(at: $1) } == usable.count)
        }
    }

    @Test("a full bucket halves the sketch, then counts the interval")
    func fullBucketHalves() {
        var baseline = UserBaseline()
        let bucket = UserBaseline.bucket(forLogIndex: KeystrokeRhythm.logIndex(100))
        let neighbour = UserBaseline.bucket(forLogIndex: KeystrokeRhythm.logIndex(300))
        // 65,535 intervals of 100 ms fill the bucket exactly; three of 300 ms sit beside it.
        let block = [Int32](repeating: 100, count: ActivityWindow.maximumIntervals)
        _ = learn([300, 300, 300], into: &baseline)
        for _ in 0..<(Int(UInt16.max) / block.count) { _ = learn(block, into: &baseline) }
        _ = learn([Int32](repeating: 100, count: Int(UInt16.max) % block.count), into: &baseline)
        #expect(baseline.count(at: bucket) == Int(UInt16.max))
        #expect(baseline.count(at: neighbour) == 3)
        _ = learn([100], into: &baseline)
        #expect(baseline.count(at: bucket) == Int(UInt16.max) / 2 + 1)
        #expect(baseline.count(at: neighbour) == 1)
    }
}
