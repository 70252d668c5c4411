import TestSupport
import Testing
@testable import WSProtocol

/// RFC 6455 §5.5.1 and §7: the closing handshake, from both sides.
struct EndpointCloseTests {
    @Test("§5.5.1 a peer's Close is answered with the same code and the endpoint closes", arguments: [Role.server, .client])
    func peerInitiated(role: Role) {
        var endpoint = WebSocketEndpoint(role: role, maskingKeys: role == .client ? SeededGenerator(seed: 1) : nil)
        let result = feed(&endpoint, frame(role, .close, closeBody(4001, "bye")))
        #expect(result.events == [.closed(code: 4001, reason: "bye")])
        #expect(closeCode(in: result.output, role: role) == 4001)
        #expect(endpoint.state == .closed(.handshakeCompleted(code: CloseCode(rawValue: 4001), initiatedLocally: false)))
        #expect(endpoint.transportDirective == .closeAfterFlush)
    }

    @Test("§5.5.1 an empty Close is reported as no code and answered with an empty Close")
    func emptyClose() {
        var endpoint = WebSocketEndpoint()
        let result = feed(&endpoint, clientFrame(.close, []))
        #expect(result.events == [.closed(code: nil, reason: "")])
        #expect(result.output == [0x88, 0x00])
    }

    @Test("§5.5.1 a close we start waits for the reply, then closes the transport", arguments: [Role.server, .client])
    func locallyInitiated(role: Role) {
        var endpoint = WebSocketEndpoint(role: role, maskingKeys: role == .client ? SeededGenerator(seed: 1) : nil)
        var output = ByteWriter()
        endpoint.close(code: .goingAway, reason: "restart", into: &output)
        #expect(closeCode(in: output.readableBytes, role: role) == 1001)
        #expect(endpoint.state == .closeSent)
        let awaiting = endpoint.isAwaitingCloseReply
        #expect(awaiting)
        #expect(endpoint.transportDirective == .none)
        // §5.5.1: after sending a Close frame, the endpoint MUST NOT send any more data frames.
        let sent = [UInt8](ascii: "late").withUnsafeBytes { endpoint.send(.text, payload: $0, into: &output) }
        #expect(!sent)
        // Frames the peer sent before seeing our Close still arrive; then its reply closes.
        let result = feed(&endpoint, frame(role, .text, Array(ascii: "in flight")) + frame(role, .close, closeBody(1001)))
        #expect(result.events == [.text(Array(ascii: "in flight")), .closed(code: 1001, reason: "")])
        #expect(result.output.isEmpty)  // no second Close
        #expect(endpoint.state == .closed(.handshakeCompleted(code: .goingAway, initiatedLocally: true)))
        #expect(endpoint.transportDirective == .closeAfterFlush)
        let stillAwaiting = endpoint.isAwaitingCloseReply
        #expect(!stillAwaiting)
    }

    @Test("§5.5.2 no Pong is sent after our Close, but the Ping is reported")
    func noPongAfterClose() {
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter()
        endpoint.close(code: .normalClosure, reason: "", into: &output)
        let result = feed(&endpoint, clientFrame(.ping, [1]))
        #expect(result.events == [.ping([1])])
        #expect(result.output.isEmpty)
    }

    @Test("§7.1.7 input after the connection is closed is discarded")
    func discardAfterClose() {
        let stream = clientFrame(.close, closeBody(1000)) + clientFrame(.text, Array(ascii: "ignored")) + [0xFF, 0xFF]
        let result = serverTranscript(stream)
        #expect(result.events == [.closed(code: 1000, reason: "")])
        #expect(closeCode(in: result.output, role: .server) == 1000)
    }

    @Test("§7.4 a Close with an invalid code fails with 1002")
    func invalidCode() {
        for code: UInt16 in [999, 1004, 1005, 1006, 1015, 1016, 2000, 5000] {
            let result = serverTranscript(clientFrame(.close, closeBody(code)))
            #expect(result.events == [.failed(.invalidCloseCode(code))])
            #expect(closeCode(in: result.output, role: .server) == 1002)
        }
    }

    @Test("§5.5.1 a 1-byte Close payload fails with 1002")
    func oneByteClose() {
        let result = serverTranscript(clientFrame(.close, [0x03]))
        #expect(result.events == [.failed(.invalidClosePayloadLength)])
        #expect(closeCode(in: result.output, role: .server) == 1002)
    }

    @Test("§8.1 a Close reason that is not UTF-8 fails with 1007")
    func invalidReason() {
        let result = serverTranscript(clientFrame(.close, closeBody(1000) + [0xFF]))
        #expect(result.events == [.failed(.invalidUTF8)])
        #expect(closeCode(in: result.output, role: .server) == 1007)
    }

    @Test("§7.1.7 failing the connection sends one Close with the violation's code and stops")
    func failureSendsClose() {
        var endpoint = WebSocketEndpoint()
        let result = feed(&endpoint, serverFrame(.text, Array(ascii: "unmasked")) + clientFrame(.text, Array(ascii: "later")))
        #expect(result.events == [.failed(.unmaskedClientFrame)])
        let frames = decodeServerOutput(result.output)
        #expect(frames.count == 1 && frames[0].0 == .close)
        #expect(endpoint.state == .closed(.failed(.unmaskedClientFrame)))
        #expect(endpoint.transportDirective == .closeAfterFlush)
        var output = ByteWriter()
        endpoint.close(code: .normalClosure, reason: "", into: &output)
        #expect(output.isEmpty)
    }

    @Test("§7.1.7 a violation while awaiting the close reply sends no second Close")
    func failureAfterCloseSent() {
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter()
        endpoint.close(code: .normalClosure, reason: "", into: &output)
        let result = feed(&endpoint, rawFrame(firstByte: 0x83, payload: []))
        #expect(result.events == [.failed(.reservedOpcode)])
        #expect(result.output.isEmpty)
    }

    @Test("§5.5 a Close split across reads is reassembled")
    func splitClose() {
        let stream = clientFrame(.close, closeBody(1000, "split reason"))
        for split in 1..<stream.count {
            #expect(serverTranscript(stream, splits: [split]).events == [.closed(code: 1000, reason: "split reason")])
        }
    }
}
