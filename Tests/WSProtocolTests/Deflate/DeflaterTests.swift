import TestSupport
import Testing
import WSProtocol

/// RFC 7692 §7.2.1 compression: threshold, context takeover, fan-out, no-gain fallback.
struct DeflaterTests {
    static let json = Array(#"{"type":"flow","state":"deep","since_ms":1732233600000,"score":0.93,"streak":12}"#.utf8)

    @Test("messages below compressionThreshold are not compressed and allocate nothing")
    func belowThreshold() {
        var deflater = Deflater(windowBits: 12, memLevel: 5, noContextTakeover: true, compressionThreshold: 128)
        let small = [UInt8](repeating: 0x61, count: 127)
        var output = ByteWriter()
        #expect(small.withUnsafeBytes { deflater.compress($0, into: &output) } == .uncompressed)
        #expect(output.isEmpty)
        #expect(deflater.allocatedBytes == 0)
        let large = [UInt8](repeating: 0x61, count: 128)
        #expect(large.withUnsafeBytes { deflater.compress($0, into: &output) } == .compressed)
        #expect(DeflateTestSupport.inflateOnce(output.readableBytes) == .success(large))
    }

    @Test("the default threshold of the configuration is applied by Deflater(parameters:configuration:)")
    func configurationThreshold() {
        let configuration = DeflateConfiguration()
        #expect(configuration.compressionThreshold == 128)
        var deflater = Deflater(parameters: DeflateParameters(serverNoContextTakeover: true), configuration: configuration)
        #expect(DeflateTestSupport.compress(Self.json, with: &deflater) == nil)
        let repeated = Array(Self.json.prefix(80)) + Array(Self.json.prefix(80))
        #expect(DeflateTestSupport.compress(repeated, with: &deflater) != nil)
    }

    @Test("context takeover makes a repeated message much smaller and keeps the stream")
    func contextTakeover() {
        var deflater = Deflater(windowBits: 15, noContextTakeover: false)
        var inflater = Inflater(windowBits: 15, noContextTakeover: false)
        let first = DeflateTestSupport.compress(Self.json, with: &deflater) ?? []
        let second = DeflateTestSupport.compress(Self.json, with: &deflater) ?? []
        #expect(second.count < first.count / 4)
        #expect(deflater.allocatedBytes > 0)
        #expect(DeflateTestSupport.inflate([first], with: &inflater) == .success(Self.json))
        #expect(DeflateTestSupport.inflate([second], with: &inflater) == .success(Self.json))
    }

    @Test("with context takeover even incompressible data is sent compressed (the windows must stay in step)")
    func incompressibleWithTakeover() {
        var random = DeflateTestRandom(seed: 5)
        let noise = random.bytes(count: 5_000)
        var deflater = Deflater(windowBits: 15, noContextTakeover: false)
        var inflater = Inflater(windowBits: 15, noContextTakeover: false)
        let compressed = DeflateTestSupport.compress(noise, with: &deflater)
        #expect(compressed != nil)
        #expect(DeflateTestSupport.inflate([compressed ?? []], with: &inflater) == .success(noise))
        let next = DeflateTestSupport.compress(Self.json, with: &deflater) ?? []
        #expect(DeflateTestSupport.inflate([next], with: &inflater) == .success(Self.json))
    }

    @Test("without context takeover incompressible data is sent uncompressed and the stream released")
    func incompressibleWithoutTakeover() {
        var random = DeflateTestRandom(seed: 6)
        let noise = random.bytes(count: 100_000)
        var deflater = Deflater(windowBits: 15, noContextTakeover: true)
        var output = ByteWriter()
        output.append(contentsOf: [1, 2, 3])
        #expect(noise.withUnsafeBytes { deflater.compress($0, into: &output) } == .uncompressed)
        #expect(output.readableBytes == [1, 2, 3])
        #expect(deflater.allocatedBytes == 0)
    }

    @Test("compressed output is appended after what the writer already holds")
    func appendsToWriter() {
        var deflater = Deflater(windowBits: 15, noContextTakeover: false)
        var output = ByteWriter()
        output.append(contentsOf: [0xAA, 0xBB])
        #expect(Array("Hello".utf8).withUnsafeBytes { deflater.compress($0, into: &output) } == .compressed)
        #expect(output.readableBytes == [0xAA, 0xBB, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])
    }

    @Test("a large message (several output chunks) round-trips", arguments: [false, true])
    func largeMessage(noContextTakeover: Bool) {
        var random = DeflateTestRandom(seed: 77)
        let message = random.textLike(count: 1 << 20)
        var deflater = Deflater(windowBits: 15, noContextTakeover: noContextTakeover)
        let compressed = DeflateTestSupport.compress(message, with: &deflater) ?? []
        #expect(compressed.count > 64 * 1024)
        #expect(DeflateTestSupport.inflateOnce(compressed, limit: 1 << 20) == .success(message))
    }

    @Test("fan-out: compressOnce, a shared deflater and a per-connection deflater give the same bytes")
    func fanOut() {
        let message = Array(repeating: Self.json, count: 4).flatMap { $0 }
        var once = ByteWriter()
        #expect(message.withUnsafeBytes {
            Deflater.compressOnce($0, windowBits: 12, memLevel: 5, into: &once)
        } == .compressed)
        var shared = Deflater(windowBits: 12, memLevel: 5, noContextTakeover: true, retention: .keepAllocated)
        let a = DeflateTestSupport.compress(message, with: &shared)
        let b = DeflateTestSupport.compress(message, with: &shared)
        #expect(shared.allocatedBytes > 0)
        var perConnection = Deflater(windowBits: 12, memLevel: 5, noContextTakeover: true)
        let c = DeflateTestSupport.compress(message, with: &perConnection)
        #expect(perConnection.allocatedBytes == 0)
        #expect(a == once.readableBytes)
        #expect(b == once.readableBytes)
        #expect(c == once.readableBytes)
        // Every subscriber inflates the same bytes, whatever its own inflater window.
        for bits in 12...15 {
            #expect(DeflateTestSupport.inflateOnce(once.readableBytes, windowBits: bits) == .success(message))
        }
    }

    @Test("fan-out compatibility: no server context takeover and a window at least as large")
    func canShare() {
        let shared = Deflater(windowBits: 12, noContextTakeover: true, retention: .keepAllocated)
        let takeover = Deflater(windowBits: 12, noContextTakeover: false)
        let verdicts = [
            shared.canShare(with: DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 12)),
            shared.canShare(with: DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 15)),
            shared.canShare(with: DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 11)),
            shared.canShare(with: DeflateParameters(serverNoContextTakeover: false, serverMaxWindowBits: 15)),
            shared.canShare(with: DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 8)),
            takeover.canShare(with: DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 15)),
        ]
        #expect(verdicts == [true, true, false, false, false, false])
    }

    @Test("research: zlib's 9-bit deflater never reaches back more than 256 bytes")
    func nineBitsFitsEight() {
        // zlib limits match distances to 2^w - 262 (MAX_DIST), so windowBits 9 emits at most
        // 250: its output inflates with an 8-bit window. Node's zlib relies on this when it
        // maps 8 to 9. We still do not compress with server_max_window_bits=8 (see
        // DeflateParameters.compressesOutbound), because that is an implementation detail.
        var random = DeflateTestRandom(seed: 8)
        for period in [200, 250, 251, 256, 257, 300, 511] {
            let unit = random.bytes(count: period)
            let message = Array(repeating: unit, count: 40).flatMap { $0 }
            var deflater = Deflater(windowBits: 9, noContextTakeover: false)
            let compressed = DeflateTestSupport.compress(message, with: &deflater) ?? []
            #expect(DeflateTestSupport.inflateOnce(compressed, windowBits: 8) == .success(message), "period \(period)")
        }
    }
}
