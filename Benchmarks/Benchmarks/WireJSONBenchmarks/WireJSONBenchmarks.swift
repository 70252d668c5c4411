// Benchmarks of the wire JSON codec (WireJSON), with Foundation's JSONEncoder and
// JSONDecoder as the baseline to beat (Foundation is allowed here, never in WireJSON).
//
// Placeholder suite: other work adds WireJSON encode/decode of the PROTOCOL.md messages.
import Benchmark
import Foundation
import WireJSON  // the real benchmarks use it; the baselines below do not

/// A small inbound-style message, the shape of an editor activity event.
struct SampleEvent: Codable, Sendable {
    var type: String
    var seq: Int
    var atMs: Int64
    var kind: String
    var file: String
}

let sampleEvent = SampleEvent(
    type: "activity", seq: 42, atMs: 1_763_770_000_000, kind: "keystroke", file: "Sources/App/main.swift"
)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    Benchmark("Foundation JSONEncoder encode event (baseline)") { benchmark in
        let encoder = JSONEncoder()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try encoder.encode(sampleEvent))
        }
    }

    Benchmark("Foundation JSONDecoder decode event (baseline)") { benchmark in
        let decoder = JSONDecoder()
        let bytes = try JSONEncoder().encode(sampleEvent)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decode(SampleEvent.self, from: bytes))
        }
    }
}
