// Benchmarks of the flow-detection core (FlowEngine).
//
// The per-update path must cost ≤ 1 µs median with 64 keystroke intervals and show
// 0 mallocs in steady state (issue 4). Each benchmark warms its state up before measuring,
// so the figures are the steady state: a live session whose baseline is learned.
import Benchmark
import FlowEngine

/// 64 intervals of steady typing around 200 ms (deterministic).
let steadyIntervals: [Int32] = (0..<64).map { Int32(170 + ($0 * 37) % 60) }
/// The protocol's maximum of 512 intervals.
let maximumIntervals: [Int32] = (0..<512).map { Int32(60 + ($0 * 53) % 90) }

/// A 5-s window at `atMs` holding `intervals` (the array is shared, never copied).
func window(atMs: Int64, intervals: [Int32]) -> ActivityWindow {
    ActivityWindow(atMs: atMs, windowMs: 5_000, keystrokes: Int64(intervals.count + 1),
                   keystrokeIntervals: intervals, focusMs: 5_000, language: "swift")
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput, .instructions],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )

    Benchmark("FlowDetector.ingest (64 intervals)") { benchmark in
        var detector = FlowDetector()
        var baseline = UserBaseline()
        var current = window(atMs: 1_763_000_000_000, intervals: steadyIntervals)
        for _ in 0..<200 {
            current.atMs += 5_000
            blackHole(detector.ingest(current, baseline: &baseline))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            current.atMs += 5_000
            blackHole(detector.ingest(current, baseline: &baseline))
        }
    }

    Benchmark("FlowDetector.ingest (512 intervals)") { benchmark in
        var detector = FlowDetector()
        var baseline = UserBaseline()
        var current = window(atMs: 1_763_000_000_000, intervals: maximumIntervals)
        for _ in 0..<200 {
            current.atMs += 5_000
            blackHole(detector.ingest(current, baseline: &baseline))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            current.atMs += 5_000
            blackHole(detector.ingest(current, baseline: &baseline))
        }
    }

    Benchmark("UserCoach.ingest (64 intervals: detector, breaks, totals, day)") { benchmark in
        var coach = UserCoach()
        var current = window(atMs: 1_763_000_000_000, intervals: steadyIntervals)
        var session = coach.startSession(atMs: current.atMs, project: "flowcoach", language: "swift")
        for _ in 0..<200 {
            current.atMs += 5_000
            blackHole(coach.ingest(current, session: &session, utcOffsetMs: 3_600_000))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            current.atMs += 5_000
            blackHole(coach.ingest(current, session: &session, utcOffsetMs: 3_600_000))
        }
    }

    Benchmark("SeedDetector.ingest (64 intervals, seed 004 as written)") { benchmark in
        var detector = SeedDetector()
        var current = window(atMs: 1_763_000_000_000, intervals: steadyIntervals)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            current.atMs += 5_000
            blackHole(detector.ingest(current))
        }
    }

    Benchmark("UserBaseline encode + decode") { benchmark in
        var detector = FlowDetector()
        var baseline = UserBaseline()
        var current = window(atMs: 1_763_000_000_000, intervals: steadyIntervals)
        for _ in 0..<100 {
            current.atMs += 5_000
            blackHole(detector.ingest(current, baseline: &baseline))
        }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(UserBaseline(bytes: baseline.encode()))
        }
    }
}
