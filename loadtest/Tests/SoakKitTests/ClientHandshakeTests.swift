import SoakKit
import Testing
import WSProtocol

/// RFC 6455 §4.1 (client requirements) and RFC 7692 §7.1 from the client's side.
struct ClientHandshakeTests {
    static let keyBytes: [UInt8] = Array(1...16)
    static let target = SoakTarget.loopbackTestTarget

    private func response(_ handshake: ClientHandshake, status: String = "101 Switching Protocols",
                          accept: String? = nil, protocolHeader: String? = "flowcoach.v1", extensions: String? = nil,
                          trailing: [UInt8] = []) -> [UInt8] {
        var head = "HTTP/1.1 \(status)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        head += "Sec-WebSocket-Accept: \(accept ?? AcceptKey.compute(forKey: handshake.key))\r\n"
        if let protocolHeader { head += "Sec-WebSocket-Protocol: \(protocolHeader)\r\n" }
        if let extensions { head += "Sec-WebSocket-Extensions: \(extensions)\r\n" }
        return Array((head + "\r\n").utf8) + trailing
    }

    private func outcome(_ handshake: ClientHandshake, _ bytes: [UInt8]) -> ClientHandshake.Outcome {
        bytes.withUnsafeBytes { handshake.receivedResponse($0) }
    }

    @Test("§4.1: the request is a GET with the key, version 13, the subprotocol and the bearer token")
    func request() {
        let handshake = ClientHandshake(keyBytes: Self.keyBytes, offersDeflate: true)
        let text = String(decoding: handshake.request(target: Self.target, token: "fc_i_x"), as: UTF8.self)
        #expect(text.hasPrefix("GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"))
        #expect(text.contains("Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\n"))
        #expect(text.contains("Sec-WebSocket-Version: 13\r\n"))
        #expect(text.contains("Sec-WebSocket-Protocol: flowcoach.v1\r\n"))
        #expect(text.contains("Authorization: Bearer fc_i_x\r\n"))
        #expect(text.contains("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test("§4.1: a 101 with the right accept key and subprotocol opens; early frames stay unconsumed")
    func accepted() {
        let handshake = ClientHandshake(keyBytes: Self.keyBytes, offersDeflate: false)
        let bytes = response(handshake, trailing: [0x81, 0x00])
        #expect(outcome(handshake, bytes) == .accepted(consumed: bytes.count - 2, deflate: nil))
    }

    @Test("an incomplete head asks for more bytes")
    func partial() {
        let handshake = ClientHandshake(keyBytes: Self.keyBytes, offersDeflate: false)
        let bytes = response(handshake)
        #expect(outcome(handshake, Array(bytes.dropLast(1))) == .needMoreData)
    }

    @Test("§4.1: a non-101 status, a wrong accept key or a missing subprotocol fails the handshake")
    func rejected() {
        let handshake = ClientHandshake(keyBytes: Self.keyBytes, offersDeflate: false)
        #expect(outcome(handshake, response(handshake, status: "401 Unauthorized")) == .rejected("HTTP 401 Unauthorized"))
        #expect(outcome(handshake, response(handshake, accept: "AAAA")) == .rejected("bad Sec-WebSocket-Accept"))
        guard case .rejected = outcome(handshake, response(handshake, protocolHeader: nil)) else {
            Issue.record("a 101 without the subprotocol must be refused")
            return
        }
    }

    @Test("RFC 7692 §7.1: the agreed deflate parameters are read from the response")
    func deflateAgreed() {
        let handshake = ClientHandshake(keyBytes: Self.keyBytes, offersDeflate: true)
        let bytes = response(handshake, extensions: "permessage-deflate; server_no_context_takeover; client_max_window_bits=12")
        let expected = DeflateParameters(serverNoContextTakeover: true, clientMaxWindowBits: 12)
        #expect(outcome(handshake, bytes) == .accepted(consumed: bytes.count, deflate: expected))
    }

    @Test("§4.1: an extension the client did not offer fails the handshake")
    func unexpectedExtension() {
        let handshake = ClientHandshake(keyBytes: Self.keyBytes, offersDeflate: false)
        guard case .rejected = outcome(handshake, response(handshake, extensions: "permessage-deflate")) else {
            Issue.record("an unrequested extension must be refused")
            return
        }
    }

    @Test("a client endpoint with the client deflate transform talks to a server endpoint both ways")
    func deflateRoundTrip() {
        let parameters = DeflateParameters(serverNoContextTakeover: true, clientMaxWindowBits: 12)
        var client = WebSocketEndpoint(role: .client, transform: PerMessageDeflateTransform(
            parameters: parameters, configuration: DeflateConfiguration(compressionThreshold: 0), role: .client),
                                       maskingKeys: FastRandom(seed: 1))
        var server = WebSocketEndpoint(role: .server, transform: PerMessageDeflateTransform(
            parameters: parameters, configuration: DeflateConfiguration(compressionThreshold: 0)))
        let message = Array(String(repeating: #"{"type":"activity","seq":1}"#, count: 8).utf8)
        var wire = ByteWriter()
        message.withUnsafeBytes { _ = client.send(.text, payload: $0, into: &wire) }
        #expect(wire.readableCount < message.count)  // compressed
        var bytes = wire.readableBytes
        var replies = ByteWriter()
        var consumed = 0
        let received: [UInt8]? = bytes.withUnsafeMutableBytes { raw in
            if case .text(let payload) = server.nextEvent(from: raw, consumed: &consumed, output: &replies) { return Array(payload) }
            return nil
        }
        #expect(received == message)

        var back = ByteWriter()
        message.withUnsafeBytes { _ = server.send(.text, payload: $0, into: &back) }
        var backBytes = back.readableBytes
        consumed = 0
        let echoed: [UInt8]? = backBytes.withUnsafeMutableBytes { raw in
            if case .text(let payload) = client.nextEvent(from: raw, consumed: &consumed, output: &replies) { return Array(payload) }
            return nil
        }
        #expect(echoed == message)
    }
}

extension SoakTarget {
    /// ws://127.0.0.1:8080/v1/ws, parsed (a literal that cannot fail).
    static var loopbackTestTarget: SoakTarget {
        do { return try SoakTarget(url: "ws://127.0.0.1:8080/v1/ws") } catch { preconditionFailure("\(error)") }
    }
}
