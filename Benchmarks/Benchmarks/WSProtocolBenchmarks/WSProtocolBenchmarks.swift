// Benchmarks of the RFC 6455 core (WSProtocol).
//
// Placeholder suite: other work adds frame decode + unmask (64 B, 1 KiB, 64 KiB), the
// encoder and the handshake here. Steady-state paths must show 0 mallocs per iteration.
import Benchmark
import WSProtocol

/// Metrics every WSProtocol benchmark reports: time, throughput and allocations.
let protocolMetrics: [BenchmarkMetric] = [
    .wallClock,
    .cpuTotal,
    .throughput,
    .mallocCountTotal,
    .instructions,
]

/// A steady-state path allocates nothing: any extra malloc against a baseline fails
/// `swift package benchmark baseline check`. (A computed value: `BenchmarkThresholds` is
/// not `Sendable`, so it cannot be a global `let`.)
var zeroMallocs: [BenchmarkMetric: BenchmarkThresholds] {
    [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p100: 0])]
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: protocolMetrics,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // One 64-byte frame's worth of output appended, then flushed, as the shell does per
    // message. The writer keeps its capacity, so nothing is allocated after warm-up.
    Benchmark(
        "ByteWriter append+consume 64 B",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        let payload: [UInt8] = Array(repeating: 0x61, count: 64)
        var writer = ByteWriter(capacity: 4096)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            payload.withUnsafeBytes { writer.append($0) }
            blackHole(writer.readableCount)
            writer.consume(writer.readableCount)
        }
        benchmark.stopMeasurement()
        blackHole(writer.capacity)
    }

    // Sixteen pipelined 64-byte frames coalesced into one write (the P=16 load pattern).
    Benchmark(
        "ByteWriter 16 x 64 B coalesced",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        let payload: [UInt8] = Array(repeating: 0x62, count: 64)
        var writer = ByteWriter(capacity: 4096)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<16 {
                writer.appendBigEndian(UInt16(payload.count))
                payload.withUnsafeBytes { writer.append($0) }
            }
            blackHole(writer.readableCount)
            writer.consume(writer.readableCount)
        }
        benchmark.stopMeasurement()
        blackHole(writer.capacity)
    }
}
