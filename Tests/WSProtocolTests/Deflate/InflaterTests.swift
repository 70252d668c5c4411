import TestSupport
import Testing
import WSProtocol

/// RFC 7692 §7.2.2 decompression: fragments, context takeover, limits, bad input.
struct InflaterTests {
    @Test("random messages round-trip, with and without context takeover, every window size",
          arguments: [false, true], 9...15)
    func roundTrip(noContextTakeover: Bool, windowBits: Int) {
        var random = DeflateTestRandom(seed: UInt64(windowBits) &* (noContextTakeover ? 7 : 11))
        var deflater = Deflater(windowBits: windowBits, noContextTakeover: noContextTakeover)
        var inflater = Inflater(windowBits: windowBits, noContextTakeover: noContextTakeover)
        for round in 0..<12 {
            let count = Int(random.next() % 40_000)
            let message = round % 3 == 0 ? random.bytes(count: count) : random.textLike(count: count)
            let compressed = DeflateTestSupport.compress(message, with: &deflater)
            // Without context takeover, incompressible data is sent as it is.
            guard let compressed else {
                #expect(noContextTakeover)
                continue
            }
            #expect(DeflateTestSupport.inflate([compressed], with: &inflater) == .success(message))
        }
    }

    @Test("fragment-by-fragment inflation equals whole-message inflation")
    func fragmentsEqualWhole() {
        var random = DeflateTestRandom(seed: 42)
        let message = random.textLike(count: 50_000)
        var deflater = Deflater(windowBits: 15, noContextTakeover: false)
        guard let compressed = DeflateTestSupport.compress(message, with: &deflater) else {
            Issue.record("text-like data must compress")
            return
        }
        // Every split point of a small message, then random splits of a big one.
        let small = Array(message.prefix(300))
        var smallDeflater = Deflater(windowBits: 15, noContextTakeover: true)
        let smallCompressed = DeflateTestSupport.compress(small, with: &smallDeflater) ?? []
        for cut in 0...smallCompressed.count {
            let pieces = [Array(smallCompressed[..<cut]), Array(smallCompressed[cut...])]
            #expect(DeflateTestSupport.inflateOnce(pieces.joined().map { $0 }) == .success(small))
            var inflater = Inflater(windowBits: 15, noContextTakeover: true)
            #expect(DeflateTestSupport.inflate(pieces, with: &inflater) == .success(small))
        }
        for _ in 0..<20 {
            let sizes = (0..<Int(random.next() % 30)).map { _ in Int(random.next() % 3_000) }
            var inflater = Inflater(windowBits: 15, noContextTakeover: false)
            let pieces = DeflateTestSupport.split(compressed, sizes: sizes)
            #expect(DeflateTestSupport.inflate(pieces, with: &inflater) == .success(message))
        }
    }

    @Test("one-byte fragments, context takeover across messages")
    func oneByteFragments() {
        var deflater = Deflater(windowBits: 12, noContextTakeover: false)
        var inflater = Inflater(windowBits: 12, noContextTakeover: false)
        for index in 0..<5 {
            let message = Array("{\"type\":\"activity\",\"seq\":\(index),\"keys\":42}".utf8)
            let compressed = DeflateTestSupport.compress(message, with: &deflater) ?? []
            let pieces = compressed.map { [$0] }
            #expect(DeflateTestSupport.inflate(pieces, with: &inflater) == .success(message))
        }
    }

    @Test("a 10 MiB bomb is stopped at the limit without buffering past it")
    func bomb() {
        let zeros = [UInt8](repeating: 0, count: 10 << 20)
        var deflater = Deflater(windowBits: 15, level: 9, noContextTakeover: true)
        let bomb = DeflateTestSupport.compress(zeros, with: &deflater) ?? []
        #expect(bomb.count < 20_000)
        let limit = 1 << 20
        var inflater = Inflater(windowBits: 15, noContextTakeover: false)
        var output = ByteWriter()
        #expect(throws: InflateError.messageTooBig(limit: limit)) {
            try bomb.withUnsafeBytes { bytes in
                try Result { () throws(InflateError) in
                    try inflater.inflate(bytes, isFinalFragment: true, into: &output, limit: limit)
                }.get()
            }
        }
        #expect(output.readableCount <= limit)
        #expect(output.capacity <= 2 * limit)
        #expect(inflater.allocatedBytes == 0)
        let stillInMessage = inflater.isInMessage
        #expect(!stillInMessage)
        #expect(InflateError.messageTooBig(limit: limit).closeCodeValue == 1009)
    }

    @Test("the limit counts the whole message across fragments; exactly the limit is allowed")
    func limitAcrossFragments() {
        let message = [UInt8](repeating: 0x61, count: 100_000)
        var deflater = Deflater(windowBits: 15, noContextTakeover: true)
        let compressed = DeflateTestSupport.compress(message, with: &deflater) ?? []
        let pieces = DeflateTestSupport.split(compressed, sizes: [10, 10, 10, 10])
        var exact = Inflater(windowBits: 15, noContextTakeover: true)
        #expect(DeflateTestSupport.inflate(pieces, with: &exact, limit: 100_000) == .success(message))
        var under = Inflater(windowBits: 15, noContextTakeover: true)
        #expect(DeflateTestSupport.inflate(pieces, with: &under, limit: 99_999) == .failure(.messageTooBig(limit: 99_999)))
        var zero = Inflater(windowBits: 15, noContextTakeover: true)
        #expect(DeflateTestSupport.inflate([[0x00]], with: &zero, limit: 0) == .success([]))
    }

    static let malformed: [(String, [UInt8], InflateError)] = [
        ("reserved block type 11", [0x07, 0x00], .corruptStream),
        ("stored block with LEN != ~NLEN", [0x00, 0x05, 0x00, 0x00, 0x00, 0x48], .corruptStream),
        ("stream cut inside a block", [0xf2, 0x48, 0xcd], .unterminatedMessage),
        ("distance before the start of the window", [0xf2, 0x00, 0x11, 0x00, 0x00], .corruptStream),
        ("stored block longer than the data and the tail", [0x00, 0x0a, 0x00, 0xf5, 0xff, 0x48], .unterminatedMessage),
    ]

    @Test("malformed streams fail with a typed error mapped to 1007", arguments: malformed)
    func malformedStreams(_ name: String, _ payload: [UInt8], _ expected: InflateError) {
        var inflater = Inflater(windowBits: 15, noContextTakeover: false)
        #expect(DeflateTestSupport.inflate([payload], with: &inflater) == .failure(expected), "\(name)")
        #expect(expected.closeCodeValue == 1007)
        #expect(inflater.allocatedBytes == 0)
    }

    @Test("a reference into the previous message beyond the agreed window is corrupt")
    func windowTooSmall() {
        // Message 2 repeats message 1 (2000 bytes): a 2000-byte back reference.
        // (zlib does not police distances inside the current output chunk, so the check
        // is only reliable across messages; a client breaking its window is failed or
        // decoded correctly, never misdecoded.)
        var random = DeflateTestRandom(seed: 9)
        let block = random.bytes(count: 2_000)
        var deflater = Deflater(windowBits: 15, noContextTakeover: false)
        let first = DeflateTestSupport.compress(block, with: &deflater) ?? []
        let second = DeflateTestSupport.compress(block, with: &deflater) ?? []
        #expect(second.count < 100)
        var wide = Inflater(windowBits: 11, noContextTakeover: false)
        #expect(DeflateTestSupport.inflate([first], with: &wide) == .success(block))
        #expect(DeflateTestSupport.inflate([second], with: &wide) == .success(block))
        var narrow = Inflater(windowBits: 10, noContextTakeover: false)
        #expect(DeflateTestSupport.inflate([first], with: &narrow) == .success(block))
        #expect(DeflateTestSupport.inflate([second], with: &narrow) == .failure(.corruptStream))
    }

    @Test("random garbage either inflates within the limit or fails with a documented error")
    func garbage() {
        var random = DeflateTestRandom(seed: 1234)
        for _ in 0..<2_000 {
            let payload = random.bytes(count: Int(random.next() % 64))
            var inflater = Inflater(windowBits: 8 + Int(random.next() % 8), noContextTakeover: false)
            switch DeflateTestSupport.inflate([payload], with: &inflater, limit: 4_096) {
            case .success(let bytes): #expect(bytes.count <= 4_096)
            case .failure(let error): #expect([1007, 1009].contains(error.closeCodeValue))
            }
        }
    }

    @Test("zlib memory: lazy, kept with context takeover, released without it")
    func memoryLifecycle() {
        let payload: [UInt8] = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]
        var takeover = Inflater(windowBits: 15, noContextTakeover: false)
        #expect(takeover.allocatedBytes == 0)
        _ = DeflateTestSupport.inflate([payload], with: &takeover)
        #expect(takeover.allocatedBytes > 32 * 1024)
        takeover.releaseIfIdle()
        #expect(takeover.allocatedBytes > 32 * 1024)

        var fresh = Inflater(windowBits: 15, noContextTakeover: true)
        var output = ByteWriter()
        payload.withUnsafeBytes { bytes in
            _ = Result { () throws(InflateError) in
                try fresh.inflate(UnsafeRawBufferPointer(rebasing: bytes[..<3]), isFinalFragment: false, into: &output, limit: 100)
            }
        }
        let midMessage = fresh.isInMessage
        #expect(midMessage)
        #expect(fresh.allocatedBytes > 0)
        fresh.releaseIfIdle()
        #expect(fresh.allocatedBytes > 0)
        fresh.abandonMessage()
        #expect(fresh.allocatedBytes == 0)
        let afterAbandon = fresh.isInMessage
        #expect(!afterAbandon)
        _ = DeflateTestSupport.inflate([payload], with: &fresh)
        #expect(fresh.allocatedBytes == 0)
    }
}
