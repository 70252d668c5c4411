@_spi(Fuzzing) @testable import LoopKit
import Testing
import WSProtocol

/// ``TLS13RecordLayer`` against a model, over thousands of random record streams: valid
/// records (any size, any padding, empty ones, KeyUpdates), then possibly one bad record
/// (a flipped bit anywhere, garbage, a truncated tail), delivered in random chunk sizes.
/// What comes out must be exactly the application data sealed before the first bad record,
/// and a bad record must end the stream (a failure, or a wait for bytes that never come),
/// never deliver anything of its own or crash.
struct TLS13RecordStreamTests {
    /// A 64-bit LCG: deterministic, no global randomness.
    struct Lcg {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    enum Damage: CaseIterable {
        case none, flippedBit, garbage, truncated
    }

    /// One scenario: returns nothing; records expectations.
    func run(seed: UInt64, damage: Damage) throws {
        var random = Lcg(state: seed)
        let suite: UInt16 = [0x1301, 0x1302, 0x1303][random.below(3)]
        let hashLength = suite == 0x1302 ? 48 : 32
        let clientSecret = random.bytes(hashLength), serverSecret = random.bytes(hashLength)
        let made = clientSecret.withUnsafeBytes { client in
            serverSecret.withUnsafeBytes { server in
                (TLS13RecordLayer(suiteCode: suite, clientSecret: client, serverSecret: server, isServer: false),
                 TLS13RecordLayer(suiteCode: suite, clientSecret: client, serverSecret: server, isServer: true))
            }
        }
        let sender = try #require(made.0), receiver = try #require(made.1)

        // Valid records first, and what the receiver must deliver from them.
        var stream = ByteWriter()
        var expected: [UInt8] = []
        var keyUpdatesAskingOurs = 0
        // Records in a row without application data: past the layer's limit the stream
        // fails there, and nothing sealed after that record may come out.
        var withoutData = 0
        var overLimit = false
        func countWithoutData() {
            withoutData += 1
            if withoutData > TLS13RecordLayer.maximumRecordsWithoutData { overLimit = true }
        }
        for _ in 0..<(1 + random.below(6)) {
            switch random.below(12) {
            case 0:
                let asks = random.below(2) == 1
                #expect([UInt8]([24, 0, 0, 1, asks ? 1 : 0]).withUnsafeBytes { sender.sealRecord($0, as: .handshake, into: &stream) })
                #expect(sender.updateWriteKey())
                if asks && !overLimit { keyUpdatesAskingOurs += 1 }
                countWithoutData()
            case 1:
                // A run of empty records and user_canceled warnings around the limit.
                for _ in 0..<(20 + random.below(20)) {
                    let warning = random.below(2) == 0
                    #expect([UInt8](warning ? [1, 90] : []).withUnsafeBytes {
                        sender.sealRecord($0, as: warning ? .alert : .applicationData, into: &stream)
                    })
                    countWithoutData()
                }
            default:
                let size = random.below(8) == 0 ? random.below(TLS13RecordLayer.maximumPlaintext + 1) : random.below(600)
                let content = random.bytes(size)
                let padding = random.below(4) == 0 ? random.below(64) : 0
                let inner = content + [TLS13RecordLayer.ContentType.applicationData.rawValue] + [UInt8](repeating: 0, count: padding)
                if inner.count <= TLS13RecordLayer.maximumPlaintext + 1 {
                    #expect(inner.withUnsafeBytes { sender.sealInnerPlaintext($0, into: &stream) })
                    if !overLimit { expected += content }
                    if content.isEmpty { countWithoutData() } else if !overLimit { withoutData = 0 }
                }
            }
        }
        var bytes = stream.readableBytes
        switch damage {
        case .none: break
        case .flippedBit:
            var bad = ByteWriter()
            let content = random.bytes(random.below(300))
            #expect(content.withUnsafeBytes { sender.sealRecord($0, as: .applicationData, into: &bad) })
            var record = bad.readableBytes
            let bit = random.below(record.count * 8)
            record[bit / 8] ^= 1 << UInt8(bit % 8)
            bytes += record
        case .garbage:
            bytes += random.bytes(1 + random.below(400))
        case .truncated:
            var cut = ByteWriter()
            let content = random.bytes(1 + random.below(300))
            #expect(content.withUnsafeBytes { sender.sealRecord($0, as: .applicationData, into: &cut) })
            bytes += cut.readableBytes.dropLast(1 + random.below(cut.readableCount - 1))
        }
        if damage != .none, random.below(2) == 0 {
            // More valid-looking data after the bad record must not come out either.
            var after = ByteWriter()
            #expect([UInt8](repeating: 7, count: 50).withUnsafeBytes { sender.sealRecord($0, as: .applicationData, into: &after) })
            bytes += after.readableBytes
        }

        // Delivered in random chunks, each lent and then released as the session does.
        let buffers = UnsafeMutablePointer<CiphertextBuffers>.allocate(capacity: 1)
        buffers.initialize(to: CiphertextBuffers())
        defer {
            buffers.deinitialize(count: 1)
            buffers.deallocate()
        }
        let destinationSize = [64, 1_000, 20_000][random.below(3)]
        let destination = UnsafeMutableRawBufferPointer.allocate(byteCount: destinationSize, alignment: 8)
        defer { destination.deallocate() }
        var delivered: [UInt8] = []
        var replies = ByteWriter()
        var last = TLS13RecordLayer.ReadOutcome.needsCiphertext
        var offset = 0
        reading: while offset < bytes.count {
            let size = min(bytes.count - offset, 1 + random.below(random.below(2) == 0 ? 40 : 5_000))
            try bytes[offset..<offset + size].withUnsafeBytes { chunk in
                buffers.pointee.lend(chunk)
                defer { buffers.pointee.endLoan(keepingUnread: true) }
                while true {
                    last = receiver.read(from: buffers, into: destination, replies: &replies)
                    guard case .bytes(let count) = last else { break }
                    try #require(count > 0 && count <= destinationSize)
                    delivered += destination[0..<count]
                }
            }
            offset += size
            if case .failed = last { break reading }
        }
        #expect(delivered == expected, "seed \(seed) \(damage)")
        switch (damage, last) {
        case (_, .failed) where overLimit:
            break
        case (_, _) where overLimit:
            Issue.record("seed \(seed): more than \(TLS13RecordLayer.maximumRecordsWithoutData) records without data ended in \(last)")
        case (.none, .needsCiphertext):
            #expect(buffers.pointee.unreadCount == 0)
            #expect(replies.isEmpty == (keyUpdatesAskingOurs == 0))
        case (.none, _):
            Issue.record("seed \(seed): a valid stream ended in \(last)")
        case (_, .failed), (_, .needsCiphertext):
            // Waiting for more: the bad record's bytes are still held, unopened.
            if case .needsCiphertext = last { #expect(buffers.pointee.unreadCount > 0) }
        default:
            Issue.record("seed \(seed) \(damage): ended in \(last)")
        }
    }

    @Test("random valid streams come out exactly; a bad record ends the stream without delivering anything of its own",
          arguments: Damage.allCases)
    func randomStreams(damage: Damage) throws {
        for seed in UInt64(1)...400 {
            try run(seed: seed &* 0x9E37_79B9 &+ UInt64(Damage.allCases.firstIndex(of: damage) ?? 0), damage: damage)
        }
    }
}
