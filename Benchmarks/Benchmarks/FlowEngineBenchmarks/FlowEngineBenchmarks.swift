// Benchmarks of the flow-detection core (FlowEngine).
//
// Placeholder suite: other work adds FlowDetector.ingest per event, the break scheduler and
// the aggregates here. Per-event ingestion must show 0 mallocs in steady state.
import Benchmark
import FlowEngine  // the real benchmarks use it; the placeholder below does not

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )

    // Harness floor: the cost of the measurement loop itself, so later FlowEngine figures
    // can be read against it. Remove once real benchmarks exist.
    Benchmark("Harness floor (placeholder)") { benchmark in
        var accumulator: UInt64 = 0
        for index in benchmark.scaledIterations {
            accumulator &+= UInt64(truncatingIfNeeded: index)
            blackHole(accumulator)
        }
    }
}
