import TestSupport
import Testing
@testable import WSProtocol

/// RFC 6455 §5.5.2-§5.5.3: Ping and Pong.
struct EndpointPingPongTests {
    @Test("§5.5.2 a Ping is answered with a Pong carrying identical application data", arguments: [0, 1, 125])
    func pongEchoesPing(length: Int) {
        let body = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 3) }
        let result = serverTranscript(clientFrame(.ping, body))
        #expect(result.events == [.ping(body)])
        #expect(result.output == serverFrame(.pong, body))
    }

    @Test("§5.5.2 a Ping split across reads is answered once, whole")
    func splitPing() {
        let body = Array(ascii: "heartbeat-0123456789")
        let stream = clientFrame(.ping, body)
        for split in 1..<stream.count {
            let result = serverTranscript(stream, splits: [split])
            #expect(result.events == [.ping(body)])
            #expect(result.output == serverFrame(.pong, body))
        }
    }

    @Test("§5.5.3 an unsolicited Pong is reported and not answered")
    func unsolicitedPong() {
        let result = serverTranscript(clientFrame(.pong, [1, 2]))
        #expect(result.events == [.pong([1, 2])])
        #expect(result.output.isEmpty)
    }

    @Test("§5.5 a split Ping inside a split fragmented message keeps both payloads intact")
    func pingInsideSplitMessage() {
        let stream = clientFrame(.text, Array(ascii: "first half "), fin: false) + clientFrame(.ping, Array(ascii: "p"))
            + clientFrame(.continuation, Array(ascii: "second half"))
        for split in 1..<stream.count {
            let result = serverTranscript(stream, splits: [split, min(stream.count - 1, split + 7)])
            #expect(result.events == [.ping(Array(ascii: "p")), .text(Array(ascii: "first half second half"))])
        }
    }

    @Test("sendPing and sendPong write control frames while open", arguments: [Role.server, .client])
    func sending(role: Role) {
        var endpoint = WebSocketEndpoint(role: role, maskingKeys: role == .client ? SeededGenerator(seed: 1) : nil)
        var output = ByteWriter()
        #expect([UInt8](ascii: "hb").withUnsafeBytes { endpoint.sendPing($0, into: &output) })
        #expect([UInt8](ascii: "hb").withUnsafeBytes { endpoint.sendPong($0, into: &output) })
        var peer = WebSocketEndpoint(role: role == .server ? .client : .server,
                                     maskingKeys: role == .server ? SeededGenerator(seed: 2) : nil)
        #expect(feed(&peer, output.readableBytes).events == [.ping(Array(ascii: "hb")), .pong(Array(ascii: "hb"))])
    }
}
