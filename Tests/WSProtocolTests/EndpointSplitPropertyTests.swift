import TestSupport
import Testing
@testable import WSProtocol

/// Property: any split of a valid stream decodes to the same events and replies.
struct EndpointSplitPropertyTests {
    /// A stream exercising every frame kind and length form.
    static var mixedStream: [UInt8] {
        clientFrame(.text, Array(ascii: "Hello")) + clientFrame(.binary, [], fin: true)
            + clientFrame(.text, Array("é€".utf8), fin: false) + clientFrame(.ping, Array(ascii: "p"))
            + clientFrame(.continuation, Array("🎉".utf8)) + clientFrame(.binary, [UInt8](repeating: 7, count: 130))
            + clientFrame(.pong, []) + clientFrame(.close, closeBody(1000, "done"))
    }

    @Test("every single split point of a mixed stream gives the same transcript")
    func everySplitPoint() {
        let stream = Self.mixedStream
        let whole = serverTranscript(stream)
        #expect(whole.events.count == 7)
        for split in 1..<stream.count {
            #expect(serverTranscript(stream, splits: [split]) == whole, "split \(split)")
        }
    }

    @Test("every pair of split points of a small stream gives the same transcript")
    func everySplitPair() {
        let stream = clientFrame(.text, Array(ascii: "ab"), fin: false) + clientFrame(.ping, [1]) + clientFrame(.continuation, Array(ascii: "c"))
        let whole = serverTranscript(stream)
        for a in 1..<stream.count {
            for b in a..<stream.count {
                #expect(serverTranscript(stream, splits: [a, b]) == whole)
            }
        }
    }

    @Test("byte-at-a-time delivery gives the same transcript")
    func byteAtATime() {
        let stream = Self.mixedStream
        #expect(serverTranscript(stream, splits: Array(1..<stream.count)) == serverTranscript(stream))
    }

    @Test("random splits of random large streams give the same transcript (seeded)")
    func randomLargeStreams() {
        var rng = SeededGenerator(seed: 6455)
        for _ in 0..<10 {
            var stream: [UInt8] = []
            var expected: [RecordedEvent] = []
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let length = [0, 5, 125, 126, 1000, 65535, 70_000].randomElement(using: &rng)!
                let payload = rng.bytes(length)
                let fragments = Int.random(in: 1...3, using: &rng)
                var start = 0
                for index in 0..<fragments {
                    let end = index == fragments - 1 ? length : Int.random(in: start...length, using: &rng)
                    let opcode: Opcode = index == 0 ? .binary : .continuation
                    stream += clientFrame(opcode, Array(payload[start..<end]), fin: index == fragments - 1, mask: MaskingKey.random(using: &rng))
                    if index == fragments - 1 { expected.append(.binary(payload)) }
                    if Bool.random(using: &rng) {
                        let ping = rng.bytes(Int.random(in: 0...125, using: &rng))
                        stream += clientFrame(.ping, ping, mask: MaskingKey.random(using: &rng))
                        expected.append(.ping(ping))
                    }
                    start = end
                }
            }
            let whole = serverTranscript(stream)
            #expect(whole.events == expected)
            let splits = (0..<Int.random(in: 1...40, using: &rng)).map { _ in Int.random(in: 1..<stream.count, using: &rng) }.sorted()
            #expect(serverTranscript(stream, splits: splits) == whole)
        }
    }

    @Test("round trip: what one endpoint sends, its peer decodes, in both directions")
    func endpointRoundTrip() {
        var rng = SeededGenerator(seed: 99)
        for role in [Role.server, .client] {
            var sender = WebSocketEndpoint(role: role, maskingKeys: role == .client ? SeededGenerator(seed: 4) : nil)
            var receiver = WebSocketEndpoint(role: role == .server ? .client : .server,
                                             maskingKeys: role == .server ? SeededGenerator(seed: 5) : nil)
            var output = ByteWriter()
            var expected: [RecordedEvent] = []
            for _ in 0..<50 {
                let payload = rng.bytes([0, 1, 125, 126, 65536].randomElement(using: &rng)!)
                let text = Array(String(decoding: payload, as: UTF8.self).utf8)  // valid UTF-8
                if Bool.random(using: &rng) {
                    text.withUnsafeBytes { _ = sender.send(.text, payload: $0, into: &output) }
                    expected.append(.text(text))
                } else {
                    payload.withUnsafeBytes { _ = sender.send(.binary, payload: $0, into: &output) }
                    expected.append(.binary(payload))
                }
            }
            sender.close(code: .normalClosure, reason: "end", into: &output)
            expected.append(.closed(code: 1000, reason: "end"))
            #expect(feed(&receiver, output.readableBytes).events == expected)
        }
    }
}
