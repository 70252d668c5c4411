import TestSupport
import Testing
@testable import WSProtocol

/// RFC 6455 §5.7: the example frames decode and encode byte for byte.
struct RFC6455Section5_7ExampleTests {
    @Test("§5.7 a single-frame unmasked text message decodes as \"Hello\" on the client side")
    func unmaskedHello() {
        var client = WebSocketEndpoint(role: .client, maskingKeys: SeededGenerator(seed: 1))
        let transcript = feed(&client, RFC6455Examples.unmaskedHello)
        #expect(transcript.events == [.text(Array(ascii: "Hello"))])
    }

    @Test("§5.7 a single-frame masked text message decodes as \"Hello\" on the server side")
    func maskedHello() {
        #expect(serverTranscript(RFC6455Examples.maskedHello).events == [.text(Array(ascii: "Hello"))])
    }

    @Test("§5.7 the encoder reproduces the unmasked and masked \"Hello\" frames exactly")
    func encoderMatchesExamples() {
        #expect(serverFrame(.text, Array(ascii: "Hello")) == RFC6455Examples.unmaskedHello)
        #expect(clientFrame(.text, Array(ascii: "Hello"), mask: RFC6455Examples.key) == RFC6455Examples.maskedHello)
        #expect(serverFrame(.ping, Array(ascii: "Hello")) == RFC6455Examples.unmaskedPing)
        #expect(clientFrame(.pong, Array(ascii: "Hello"), mask: RFC6455Examples.key) == RFC6455Examples.maskedPong)
    }

    @Test("§5.7 a fragmented unmasked text message is delivered once as \"Hello\"")
    func fragmentedHello() {
        var client = WebSocketEndpoint(role: .client, maskingKeys: SeededGenerator(seed: 1))
        let stream = RFC6455Examples.fragmentedHelloFirst + RFC6455Examples.fragmentedHelloSecond
        #expect(feed(&client, stream).events == [.text(Array(ascii: "Hello"))])
        #expect(serverFrame(.text, Array(ascii: "Hel"), fin: false) == RFC6455Examples.fragmentedHelloFirst)
        #expect(serverFrame(.continuation, Array(ascii: "lo")) == RFC6455Examples.fragmentedHelloSecond)
    }

    @Test("§5.7 an unmasked Ping is answered by a client with a masked Pong of the same body")
    func pingPong() {
        var client = WebSocketEndpoint(role: .client, maskingKeys: SeededGenerator(seed: 7))
        let transcript = feed(&client, RFC6455Examples.unmaskedPing)
        #expect(transcript.events == [.ping(Array(ascii: "Hello"))])
        // The reply is masked with a generated key; unmask and compare.
        #expect(transcript.output.count == 11)
        #expect(transcript.output[0] == 0x8A && transcript.output[1] == 0x85)
        var body = Array(transcript.output[6...])
        let key = MaskingKey(transcript.output[2], transcript.output[3], transcript.output[4], transcript.output[5])
        body.withUnsafeMutableBytes { key.unmask($0) }
        #expect(body == Array(ascii: "Hello"))
    }

    @Test("§5.7 the masked Pong example decodes on the server side")
    func maskedPongDecodes() {
        #expect(serverTranscript(RFC6455Examples.maskedPong).events == [.pong(Array(ascii: "Hello"))])
    }

    @Test("§5.7 256 bytes binary uses the 16-bit length form 7E 01 00")
    func binary256() {
        let payload = (0..<256).map { UInt8(truncatingIfNeeded: $0) }
        let frame = serverFrame(.binary, payload)
        #expect(Array(frame[0..<4]) == RFC6455Examples.binary256Header)
        var client = WebSocketEndpoint(role: .client, maskingKeys: SeededGenerator(seed: 1))
        #expect(feed(&client, frame).events == [.binary(payload)])
    }

    @Test("§5.7 64 KiB binary uses the 64-bit length form 7F 00..01 00 00")
    func binary64KiB() {
        let payload = (0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let frame = serverFrame(.binary, payload)
        #expect(Array(frame[0..<10]) == RFC6455Examples.binary64KiBHeader)
        var client = WebSocketEndpoint(role: .client, maskingKeys: SeededGenerator(seed: 1))
        #expect(feed(&client, frame).events == [.binary(payload)])
        #expect(serverTranscript(clientFrame(.binary, payload)).events == [.binary(payload)])
    }
}
