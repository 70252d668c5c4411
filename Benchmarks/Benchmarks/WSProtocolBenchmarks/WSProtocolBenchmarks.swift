// Benchmarks of the RFC 6455 core (WSProtocol).
//
// Frame decode + in-place unmask through WebSocketEndpoint (64 B, 1 KiB, 64 KiB), the
// encoder, UTF-8 validation and the handshake (parse + accept). Steady-state paths must
// show 0 mallocs per iteration.
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

    // A masked client frame decoded and unmasked in place by the server endpoint, delivered
    // as a pointer into the receive buffer. Binary frames: unmasking the same bytes again
    // re-masks them, so the buffer is reused without a copy and only the decode path is timed.
    for size in [64, 1024, 65536] {
        Benchmark(
            "Endpoint decode+unmask \(sizeLabel(size)) masked binary frame",
            configuration: .init(thresholds: zeroMallocs)
        ) { benchmark in
            var frame = maskedFrame(.binary, payload: [UInt8](repeating: 0x5A, count: size))
            var endpoint = WebSocketEndpoint()
            var output = ByteWriter(capacity: 256)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                frame.withUnsafeMutableBytes { buffer in
                    var consumed = 0
                    if case .binary(let payload) = endpoint.nextEvent(from: buffer, consumed: &consumed, output: &output) {
                        blackHole(payload.count)
                    }
                }
            }
            benchmark.stopMeasurement()
            blackHole(endpoint.bufferedCapacity)
        }
    }

    // Sixteen 64-byte frames in one read (pipelined clients), drained until needMoreData.
    Benchmark(
        "Endpoint decode 16 x 64 B frames per read",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        var batch: [UInt8] = []
        for _ in 0..<16 { batch += maskedFrame(.binary, payload: [UInt8](repeating: 0x33, count: 64)) }
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter(capacity: 256)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            batch.withUnsafeMutableBytes { buffer in
                var consumed = 0
                while true {
                    if case .needMoreData = endpoint.nextEvent(from: buffer, consumed: &consumed, output: &output) { break }
                }
            }
        }
        benchmark.stopMeasurement()
        blackHole(endpoint.bufferedCapacity)
    }

    // A 1 KiB text frame: copy of the masked template + decode + unmask + UTF-8 validation.
    Benchmark(
        "Endpoint decode+unmask+validate 1 KiB text frame (incl. 1 KiB copy)",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        let template = maskedFrame(.text, payload: Array(String(repeating: "flow état ✓ ", count: 80).utf8.prefix(1024)))
        var frame = template
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter(capacity: 256)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            frame.withUnsafeMutableBytes { buffer in
                template.withUnsafeBytes { buffer.copyMemory(from: $0) }
                var consumed = 0
                if case .text(let payload) = endpoint.nextEvent(from: buffer, consumed: &consumed, output: &output) {
                    blackHole(payload.count)
                }
            }
        }
        benchmark.stopMeasurement()
        blackHole(endpoint.bufferedCapacity)
    }

    // Server frame encoding into the reused output writer (send path).
    Benchmark(
        "Endpoint send 1 KiB binary frame",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        let payload = [UInt8](repeating: 0x41, count: 1024)
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter(capacity: 4096)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            payload.withUnsafeBytes { _ = endpoint.send(.binary, payload: $0, into: &output) }
            blackHole(output.readableCount)
            output.consume(output.readableCount)
        }
        benchmark.stopMeasurement()
    }

    // The opening handshake: incremental parse of a browser-like request, then accept and
    // write the 101 (allocates: strings for the head and the response).
    Benchmark("Handshake parse+accept+write 101") { benchmark in
        let request = Array(("GET /v1/ws?token=abc HTTP/1.1\r\nHost: localhost:8080\r\nConnection: Upgrade\r\n"
            + "Pragma: no-cache\r\nCache-Control: no-cache\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
            + "Upgrade: websocket\r\nOrigin: http://localhost:8080\r\nSec-WebSocket-Version: 13\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
            + "Sec-WebSocket-Protocol: flowcoach.v1\r\n\r\n").utf8)
        let policy = HandshakePolicy(subprotocols: ["flowcoach.v1"])
        var output = ByteWriter(capacity: 1024)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var parser = HTTPRequestParser()
            let result = request.withUnsafeBytes { parser.parse($0) }
            if case .complete(let head, _) = result, case .accept(let response) = Handshake.accept(head, policy: policy) {
                response.write(into: &output)
            }
            blackHole(output.readableCount)
            output.consume(output.readableCount)
        }
        benchmark.stopMeasurement()
    }
}

/// A client frame masked with a fixed key (the server's view of browser traffic).
func maskedFrame(_ opcode: Opcode, payload: [UInt8]) -> [UInt8] {
    var writer = ByteWriter()
    payload.withUnsafeBytes {
        FrameEncoder.writeFrame(opcode: opcode, payload: $0, mask: MaskingKey(0x37, 0xFA, 0x21, 0x3D), into: &writer)
    }
    return writer.readableBytes
}

func sizeLabel(_ size: Int) -> String {
    size >= 1024 ? "\(size / 1024) KiB" : "\(size) B"
}
