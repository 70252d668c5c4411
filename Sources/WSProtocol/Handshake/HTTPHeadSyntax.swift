/// Parses a complete request head (already checked for CRLF line endings, size and count)
/// into an `HTTPRequestHead` (RFC 7230 §3.1.1, §3.2).
enum HTTPHeadSyntax {
    static func parse(_ head: [UInt8]) -> Result<HTTPRequestHead, HTTPRequestError> {
        // Lines without their CRLF; the final empty line is dropped.
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i + 1 < head.count {
            if head[i] == HTTPBytes.cr && head[i + 1] == HTTPBytes.lf {
                lines.append(head[start..<i])
                start = i + 2
                i += 2
            } else {
                i += 1
            }
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let requestLine = lines.first else { return .failure(.invalidRequestLine) }
        guard let (method, target, version) = parseRequestLine(requestLine) else { return .failure(.invalidRequestLine) }
        var headers: [HTTPHeader] = []
        headers.reserveCapacity(lines.count - 1)
        for (offset, line) in lines.dropFirst().enumerated() {
            let lineNumber = offset + 2
            switch parseField(line, lineNumber: lineNumber) {
            case .success(let header): headers.append(header)
            case .failure(let error): return .failure(error)
            }
        }
        return .success(HTTPRequestHead(method: method, target: target, version: version, headers: headers))
    }

    /// RFC 7230 §3.1.1: request-line = method SP request-target SP HTTP-version.
    private static func parseRequestLine(_ line: ArraySlice<UInt8>) -> (String, String, HTTPVersion)? {
        let parts = line.split(separator: HTTPBytes.space, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let method = parts[0], target = parts[1], version = parts[2]
        guard !method.isEmpty, method.allSatisfy(HeaderGrammar.isTokenByte) else { return nil }
        // request-target: visible ASCII only (no whitespace, controls or raw non-ASCII).
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        // RFC 7230 §2.6: HTTP-version = "HTTP/" DIGIT "." DIGIT (case-sensitive).
        let v = Array(version)
        guard v.count == 8, Array(v[0..<5]) == Array("HTTP/".utf8), v[6] == UInt8(ascii: "."),
              let major = digit(v[5]), let minor = digit(v[7]) else { return nil }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self),
                HTTPVersion(major: major, minor: minor))
    }

    /// RFC 7230 §3.2: header-field = field-name ":" OWS field-value OWS.
    private static func parseField(_ line: ArraySlice<UInt8>, lineNumber: Int) -> Result<HTTPHeader, HTTPRequestError> {
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
        return .success(HTTPHeader(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }
}
