import Testing
@testable import WSProtocol

/// RFC 6455 §4.2.1-§4.2.2 and §4.4: the server's opening handshake.
struct HandshakeTests {
    static let baseHeaders: [HTTPHeader] = [
        HTTPHeader(name: "Host", value: "server.example.com"),
        HTTPHeader(name: "Upgrade", value: "websocket"),
        HTTPHeader(name: "Connection", value: "Upgrade"),
        HTTPHeader(name: "Sec-WebSocket-Key", value: "dGhlIHNhbXBsZSBub25jZQ=="),
        HTTPHeader(name: "Sec-WebSocket-Version", value: "13"),
    ]

    private func head(_ headers: [HTTPHeader] = baseHeaders, method: String = "GET", version: HTTPVersion = .http1_1) -> HTTPRequestHead {
        HTTPRequestHead(method: method, target: "/chat", version: version, headers: headers)
    }

    private func replacing(_ name: String, with value: String?) -> [HTTPHeader] {
        var headers = Self.baseHeaders.filter { !HeaderGrammar.equalsIgnoringCase($0.name, name) }
        if let value { headers.append(HTTPHeader(name: name, value: value)) }
        return headers
    }

    private func error(_ head: HTTPRequestHead, policy: HandshakePolicy = .init()) -> HandshakeError? {
        if case .failure(let error) = Handshake.negotiate(head, policy: policy) { return error }
        return nil
    }

    @Test("§4.2.2 a valid request is accepted with the RFC's accept key and a byte-exact 101")
    func accepted() {
        guard case .accept(let response) = Handshake.accept(head(), policy: .init()) else {
            Issue.record("rejected")
            return
        }
        #expect(response.acceptKey == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(response.subprotocol == nil && response.extensionHeader == nil)
        var writer = ByteWriter()
        response.write(into: &writer)
        #expect(String(decoding: writer.readableBytes, as: UTF8.self) ==
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    }

    @Test("§4.2.1 (1) only GET over HTTP/1.1 or higher")
    func methodAndVersion() {
        #expect(error(head(method: "POST")) == .methodNotAllowed)
        #expect(HandshakeError.methodNotAllowed.httpStatus == 405)
        #expect(error(head(version: HTTPVersion(major: 1, minor: 0))) == .httpVersionTooOld)
        #expect(error(head(version: HTTPVersion(major: 2, minor: 0))) == nil)
    }

    @Test("§4.2.1 (2) exactly one Host")
    func host() {
        #expect(error(head(replacing("Host", with: nil))) == .invalidHost)
        #expect(error(head(Self.baseHeaders + [HTTPHeader(name: "host", value: "other")])) == .invalidHost)
    }

    @Test("§4.2.1 (3) Upgrade must contain the websocket token, case-insensitively, in a list")
    func upgrade() {
        #expect(error(head(replacing("Upgrade", with: nil))) == .upgradeNotWebSocket)
        #expect(error(head(replacing("Upgrade", with: "h2c"))) == .upgradeNotWebSocket)
        #expect(error(head(replacing("Upgrade", with: "WebSocket"))) == nil)
        #expect(error(head(replacing("Upgrade", with: "h2c, WEBSOCKET"))) == nil)
        #expect(HandshakeError.upgradeNotWebSocket.httpStatus == 426)
    }

    @Test("§4.2.1 (4) Connection must include the upgrade token, case-insensitively, in a list")
    func connection() {
        #expect(error(head(replacing("Connection", with: nil))) == .connectionNotUpgrade)
        #expect(error(head(replacing("Connection", with: "keep-alive"))) == .connectionNotUpgrade)
        #expect(error(head(replacing("Connection", with: "keep-alive, upgrade"))) == nil)
        #expect(error(head(replacing("Connection", with: "UPGRADE"))) == nil)
        #expect(error(head(replacing("Connection", with: "upgrades"))) == .connectionNotUpgrade)
        #expect(error(head(Self.baseHeaders.filter { $0.name != "Connection" }
            + [HTTPHeader(name: "Connection", value: "keep-alive"), HTTPHeader(name: "Connection", value: "Upgrade")])) == nil)
    }

    @Test("§4.2.1 (5) Sec-WebSocket-Key must be base64 of exactly 16 bytes, sent once")
    func key() {
        #expect(error(head(replacing("Sec-WebSocket-Key", with: nil))) == .invalidKey)
        #expect(error(head(replacing("Sec-WebSocket-Key", with: "dGhlIHNhbXBsZSBub25jZQ"))) == .invalidKey)
        #expect(error(head(replacing("Sec-WebSocket-Key", with: "dGhlIHNhbXBsZSBub25jZXg="))) == .invalidKey)  // 17 bytes
        #expect(error(head(replacing("Sec-WebSocket-Key", with: "!!!!!!!!!!!!!!!!!!!!!!=="))) == .invalidKey)
        #expect(error(head(Self.baseHeaders + [HTTPHeader(name: "Sec-WebSocket-Key", value: "AAAAAAAAAAAAAAAAAAAAAA==")])) == .invalidKey)
    }

    @Test("§4.4 a version other than 13 gets 426 with Sec-WebSocket-Version: 13")
    func version() {
        #expect(error(head(replacing("Sec-WebSocket-Version", with: "8"))) == .unsupportedVersion)
        #expect(error(head(replacing("Sec-WebSocket-Version", with: nil))) == .missingVersion)
        let rejection = HTTPRejection(.unsupportedVersion)
        #expect(rejection.status == 426)
        #expect(rejection.headers.contains(HTTPHeader(name: "Sec-WebSocket-Version", value: "13")))
    }

    @Test("§4.2.2 the first subprotocol in the server's preference order that the client offered is selected")
    func subprotocolSelection() {
        let policy = HandshakePolicy(subprotocols: ["flow.v2", "flow.v1"])
        let offered = head(Self.baseHeaders + [HTTPHeader(name: "Sec-WebSocket-Protocol", value: "flow.v1, flow.v2")])
        guard case .accept(let response) = Handshake.accept(offered, policy: policy) else {
            Issue.record("rejected")
            return
        }
        #expect(response.subprotocol == "flow.v2")
        var writer = ByteWriter()
        response.write(into: &writer)
        #expect(String(decoding: writer.readableBytes, as: UTF8.self).contains("\r\nSec-WebSocket-Protocol: flow.v2\r\n"))
    }

    @Test("§4.2.2 unknown subprotocols: no subprotocol, or 400 with rejectUnknownSubprotocols")
    func unknownSubprotocols() throws {
        let offered = head(Self.baseHeaders + [HTTPHeader(name: "Sec-WebSocket-Protocol", value: "other")])
        let lenient = HandshakePolicy(subprotocols: ["flow.v1"])
        #expect(try Handshake.negotiate(offered, policy: lenient).get().subprotocol == nil)
        let strict = HandshakePolicy(subprotocols: ["flow.v1"], rejectUnknownSubprotocols: true)
        #expect(error(offered, policy: strict) == .noAcceptableSubprotocol)
        // A client that offers nothing is accepted even by the strict policy.
        #expect(error(head(), policy: strict) == nil)
        #expect(error(head(Self.baseHeaders + [HTTPHeader(name: "Sec-WebSocket-Protocol", value: "a b")])) == .malformedSubprotocols)
    }

    @Test("§9.1 extension offers reach the negotiation hook in order; its answer becomes the response header")
    func extensionHook() {
        let policy = HandshakePolicy(negotiateExtensions: { offers in
            let names = offers.map(\.name)
            guard names == ["x-unknown", "permessage-deflate"] else { return .rejected(reason: "order \(names)") }
            return .accepted([ExtensionOffer(name: "permessage-deflate", parameters: [ExtensionParameter(name: "server_no_context_takeover")])])
        })
        let offered = head(Self.baseHeaders + [HTTPHeader(name: "Sec-WebSocket-Extensions", value: "x-unknown; a=\"1\", permessage-deflate")])
        guard case .accept(let response) = Handshake.accept(offered, policy: policy) else {
            Issue.record("rejected")
            return
        }
        #expect(response.extensionHeader == "permessage-deflate; server_no_context_takeover")
        var writer = ByteWriter()
        response.write(into: &writer)
        #expect(String(decoding: writer.readableBytes, as: UTF8.self).contains("\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n"))
    }

    @Test("§9.1 without a hook, extension offers are ignored; malformed offers are refused")
    func extensionsIgnoredOrMalformed() throws {
        let offered = head(Self.baseHeaders + [HTTPHeader(name: "Sec-WebSocket-Extensions", value: "permessage-deflate")])
        #expect(try Handshake.negotiate(offered, policy: .init()).get().extensions.isEmpty)
        let malformed = head(Self.baseHeaders + [HTTPHeader(name: "Sec-WebSocket-Extensions", value: "a; p=\"1 2\"")])
        #expect(error(malformed) == .malformedExtensions)
        let refusing = HandshakePolicy(negotiateExtensions: { _ in .rejected(reason: "no") })
        #expect(error(offered, policy: refusing) == .extensionsRejected(reason: "no"))
    }

    @Test("rejections are complete HTTP responses with Connection: close and Content-Length")
    func rejectionBytes() {
        var writer = ByteWriter()
        HTTPRejection(.invalidKey).write(into: &writer)
        let text = String(decoding: writer.readableBytes, as: UTF8.self)
        let body = "Sec-WebSocket-Key must be base64 of 16 bytes\n"
        #expect(text == "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
        var tooLarge = ByteWriter()
        HTTPRejection(HTTPRequestError.headTooLarge(limit: 8192)).write(into: &tooLarge)
        #expect(String(decoding: tooLarge.readableBytes, as: UTF8.self).hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
    }

    @Test("HTTPResponseWriter writes status, headers, length and body for plain routes")
    func plainResponse() {
        var writer = ByteWriter()
        HTTPResponseWriter.write(status: 200, headers: [HTTPHeader(name: "Cache-Control", value: "no-store")],
                                 contentType: "application/json", body: Array("{}".utf8), into: &writer)
        #expect(String(decoding: writer.readableBytes, as: UTF8.self) ==
            "HTTP/1.1 200 OK\r\nCache-Control: no-store\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
    }

    @Test("parse then accept: the full path from bytes to 101")
    func parseThenAccept() {
        var parser = HTTPRequestParser()
        let result = Array(HTTPRequestParserTests.upgrade.utf8).withUnsafeBytes { parser.parse($0) }
        guard case .complete(let parsed, _) = result, case .accept(let response) = Handshake.accept(parsed, policy: .init()) else {
            Issue.record("not accepted")
            return
        }
        #expect(response.request.target == "/v1/ws?token=abc")
        #expect(response.acceptKey == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
