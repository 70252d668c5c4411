/// Parses a complete request head (already checked for CRLF line endings, size and count)
/// into an `HTTPRequestHead` (RFC 7230 §3.1.1, §3.2).
///
/// Reads the bytes in place: the only allocations are the head's strings (short ones and
/// the usual header names are stored inline or as literals) and its array of fields.
enum HTTPHeadSyntax {
    static func parse(_ head: UnsafeRawBufferPointer) -> Result<HTTPRequestHead, HTTPRequestError> {
        // Lines without their CRLF; the final empty line is not one of them.
        var lineCount = 0
        forEachLine(head) { _ in lineCount += 1 }
        var requestLine: (String, String, HTTPVersion)?
        var headers: [HTTPHeader] = []
        headers.reserveCapacity(max(0, lineCount - 1))
        var failure: HTTPRequestError?
        var lineNumber = 0
        forEachLine(head) { line in
            lineNumber += 1
            guard failure == nil else { return }
            if lineNumber == 1 {
                requestLine = parseRequestLine(line)
                if requestLine == nil { failure = .invalidRequestLine }
                return
            }
            switch parseField(line, lineNumber: lineNumber) {
            case .success(let header): headers.append(header)
            case .failure(let error): failure = error
            }
        }
        if let failure { return .failure(failure) }
        guard let (method, target, version) = requestLine else { return .failure(.invalidRequestLine) }
        return .success(HTTPRequestHead(method: method, target: target, version: version, headers: headers))
    }

    /// Calls `body` with each CRLF-terminated, non-empty line, without its CRLF.
    private static func forEachLine(_ head: UnsafeRawBufferPointer, _ body: (Slice<UnsafeRawBufferPointer>) -> Void) {
        var start = 0
        var i = 0
        while i + 1 < head.count {
            if head[i] == HTTPBytes.cr && head[i + 1] == HTTPBytes.lf {
                if i > start { body(head[start..<i]) }
                start = i + 2
                i += 2
            } else {
                i += 1
            }
        }
    }

    /// RFC 7230 §3.1.1: request-line = method SP request-target SP HTTP-version.
    private static func parseRequestLine(_ line: Slice<UnsafeRawBufferPointer>) -> (String, String, HTTPVersion)? {
        guard let firstSpace = line.firstIndex(of: HTTPBytes.space) else { return nil }
        let method = line[line.startIndex..<firstSpace]
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: HTTPBytes.space) else { return nil }
        let target = rest[rest.startIndex..<secondSpace]
        let version = rest[(secondSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy(HeaderGrammar.isTokenByte) else { return nil }
        // request-target: visible ASCII only (no whitespace, controls or raw non-ASCII).
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        // RFC 7230 §2.6: HTTP-version = "HTTP/" DIGIT "." DIGIT (case-sensitive); a third
        // space makes it invalid too.
        let v = version.startIndex
        guard version.count == 8, version[v] == UInt8(ascii: "H"), version[v + 1] == UInt8(ascii: "T"),
              version[v + 2] == UInt8(ascii: "T"), version[v + 3] == UInt8(ascii: "P"),
              version[v + 4] == UInt8(ascii: "/"), version[v + 6] == UInt8(ascii: "."),
              let major = digit(version[v + 5]), let minor = digit(version[v + 7]) else { return nil }
        let methodText = method.elementsEqual("GET".utf8) ? "GET" : String(decoding: method, as: UTF8.self)
        return (methodText, String(decoding: target, as: UTF8.self), HTTPVersion(major: major, minor: minor))
    }

    /// RFC 7230 §3.2: header-field = field-name ":" OWS field-value OWS.
    private static func parseField(_ line: Slice<UnsafeRawBufferPointer>, lineNumber: Int) -> Result<HTTPHeader, HTTPRequestError> {
        guard let colon = line.firstIndex(of: HTTPBytes.colon) else { return .failure(.missingColon(line: lineNumber)) }
        let name = line[line.startIndex..<colon]
        // RFC 7230 §3.2.4: no whitespace is allowed between the header field-name and colon;
        // a server MUST reject such a request with 400. Names are tokens.
        guard !name.isEmpty, name.allSatisfy(HeaderGrammar.isTokenByte) else {
            return .failure(.invalidHeaderName(line: lineNumber))
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == HTTPBytes.space || first == HTTPBytes.tab { value.removeFirst() }
        while let last = value.last, last == HTTPBytes.space || last == HTTPBytes.tab { value.removeLast() }
        // RFC 7230 §3.2: field-vchar = VCHAR / obs-text, with SP/HTAB inside; no controls.
        guard value.allSatisfy({ $0 == HTTPBytes.tab || ($0 >= 0x20 && $0 != 0x7F) }) else {
            return .failure(.invalidHeaderValue(line: lineNumber))
        }
        return .success(HTTPHeader(name: fieldName(name), value: String(decoding: value, as: UTF8.self)))
    }

    /// Names of the handshake's own fields as literals when spelled as usual (a literal is
    /// not allocated; most of them are too long to be stored inline in a `String`).
    private static let knownNames: [String] = [
        "Host", "Upgrade", "Connection", "Origin", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "User-Agent", "Accept-Encoding", "Accept-Language",
        "Cache-Control", "Pragma", "Authorization", "Content-Type", "Content-Length",
    ]

    private static func fieldName(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        for known in knownNames where known.utf8.count == bytes.count && known.utf8.elementsEqual(bytes) {
            return known
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
