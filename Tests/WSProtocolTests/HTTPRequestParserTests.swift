import Testing
@testable import WSProtocol

struct HTTPRequestParserTests {
    static let upgrade = "GET /v1/ws?token=abc HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

    private func parse(_ text: String, limits: HTTPLimits = .init()) -> HTTPParseResult {
        var parser = HTTPRequestParser(limits: limits)
        return Array(text.utf8).withUnsafeBytes { parser.parse($0) }
    }

    private func error(_ text: String, limits: HTTPLimits = .init()) -> HTTPRequestError? {
        if case .failed(let error) = parse(text, limits: limits) { return error }
        return nil
    }

    @Test("RFC 7230 §3 a complete upgrade request parses into method, target, version and headers")
    func complete() {
        guard case .complete(let head, let consumed) = parse(Self.upgrade) else {
            Issue.record("not complete")
            return
        }
        #expect(consumed == Self.upgrade.utf8.count)
        #expect(head.method == "GET" && head.target == "/v1/ws?token=abc" && head.version == .http1_1)
        #expect(head.path == "/v1/ws" && head.query == "token=abc")
        #expect(head.headers.count == 5)
        #expect(head.firstValue(forName: "HOST") == "example.com")
        #expect(head.values(forName: "sec-websocket-version") == ["13"])
    }

    @Test("bytes arriving one at a time give the same head, and trailing bytes are not consumed")
    func byteAtATime() {
        var parser = HTTPRequestParser()
        let bytes = Array((Self.upgrade + "\u{81}\u{05}").utf8)
        var result: HTTPParseResult = .needMoreData
        var index = 0
        while index < bytes.count {
            result = [bytes[index]].withUnsafeBytes { parser.parse($0) }
            index += 1
            if case .needMoreData = result { continue }
            break
        }
        guard case .complete(let head, let consumed) = result else {
            Issue.record("not complete")
            return
        }
        #expect(consumed == 1 && index == Self.upgrade.utf8.count)
        #expect(head.headers.count == 5)
        // Early frames after the head in one read: consumed stops at the empty line.
        guard case .complete(_, let consumedAll) = parse(Self.upgrade + "early") else {
            Issue.record("not complete")
            return
        }
        #expect(consumedAll == Self.upgrade.utf8.count)
    }

    @Test("OWS around header values is trimmed and obs-text is kept")
    func whitespace() {
        guard case .complete(let head, _) = parse("GET / HTTP/1.1\r\nX:  \t value with  spaces \t\r\nY:\r\n\r\n") else {
            Issue.record("not complete")
            return
        }
        #expect(head.firstValue(forName: "x") == "value with  spaces")
        #expect(head.firstValue(forName: "y") == "")
    }

    @Test("RFC 7230 §3.2.4 obs-fold is rejected with 400")
    func obsFold() {
        #expect(error("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n") == .obsoleteLineFolding)
        #expect(error("GET / HTTP/1.1\r\n\tX: a\r\n\r\n") == .obsoleteLineFolding)
        #expect(HTTPRequestError.obsoleteLineFolding.httpStatus == 400)
    }

    @Test("a bare CR or a bare LF is rejected with 400")
    func lineEndings() {
        #expect(error("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n") == .bareCR)
        #expect(error("GET / HTTP/1.1\nX: a\r\n\r\n") == .missingCR)
        #expect(error("GET / HTTP/1.1\r\nX: a\n\n") == .missingCR)
    }

    @Test("RFC 7230 §3.2.4 whitespace before the colon and non-token names are rejected with 400")
    func headerNames() {
        #expect(error("GET / HTTP/1.1\r\nHost : a\r\n\r\n") == .invalidHeaderName(line: 2))
        #expect(error("GET / HTTP/1.1\r\nA: 1\r\nBad(Name): a\r\n\r\n") == .invalidHeaderName(line: 3))
        #expect(error("GET / HTTP/1.1\r\n: a\r\n\r\n") == .invalidHeaderName(line: 2))
        #expect(error("GET / HTTP/1.1\r\nNoColon\r\n\r\n") == .missingColon(line: 2))
    }

    @Test("control characters in header values are rejected with 400")
    func headerValues() {
        #expect(error("GET / HTTP/1.1\r\nX: a\u{01}b\r\n\r\n") == .invalidHeaderValue(line: 2))
        #expect(error("GET / HTTP/1.1\r\nX: a\u{7F}\r\n\r\n") == .invalidHeaderValue(line: 2))
    }

    @Test("RFC 7230 §3.1.1 malformed request lines are rejected with 400")
    func requestLines() {
        for bad in ["GET  / HTTP/1.1", "GET /", "GET / HTTP/1.1 extra", "G(T / HTTP/1.1", "GET / http/1.1", "GET / HTTP/11",
                    "GET / HTTP/1.x", " GET / HTTP/1.1", "GET /a\u{7F} HTTP/1.1", ""] {
            #expect(error(bad + "\r\nHost: a\r\n\r\n") == .invalidRequestLine, "\(bad)")
        }
        #expect(error("\r\n") == .invalidRequestLine)
    }

    @Test("a head over 8 KiB fails with 431 as soon as the limit is crossed")
    func headTooLarge() {
        let big = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 8200)
        #expect(error(big) == .headTooLarge(limit: 8192))
        #expect(HTTPRequestError.headTooLarge(limit: 8192).httpStatus == 431)
        let exact = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 8192 - 23) + "\r\n\r\n"
        #expect(exact.utf8.count == 8192)
        guard case .complete = parse(exact) else {
            Issue.record("exactly 8 KiB refused")
            return
        }
    }

    @Test("more than 64 headers fail with 431")
    func tooManyHeaders() {
        let sixtyFour = "GET / HTTP/1.1\r\n" + (0..<64).map { "H\($0): v\r\n" }.joined()
        guard case .complete(let head, _) = parse(sixtyFour + "\r\n") else {
            Issue.record("64 headers refused")
            return
        }
        #expect(head.headers.count == 64)
        #expect(error(sixtyFour + "H64: v\r\n\r\n") == .tooManyHeaders(limit: 64))
        #expect(HTTPRequestError.tooManyHeaders(limit: 64).httpStatus == 431)
    }

    @Test("every error has a short reason and a 400 or 431 status")
    func reasons() {
        let all: [HTTPRequestError] = [.headTooLarge(limit: 1), .tooManyHeaders(limit: 1), .invalidRequestLine, .bareCR, .missingCR,
                                       .obsoleteLineFolding, .invalidHeaderName(line: 2), .missingColon(line: 2), .invalidHeaderValue(line: 2)]
        for e in all {
            #expect(!e.reason.isEmpty && e.reason.utf8.count < 100)
            #expect([400, 431].contains(e.httpStatus))
        }
    }
}
