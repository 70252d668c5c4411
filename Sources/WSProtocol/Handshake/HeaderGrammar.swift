/// RFC 7230 header grammar: tokens, quoted strings and comma-separated lists (`#rule`,
/// §7) that respect quoted strings, with the inverse builders.
public enum HeaderGrammar {
    /// RFC 7230 §3.2.6: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
    /// "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
    @inlinable public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Whether `string` is a non-empty token (RFC 7230 §3.2.6: token = 1*tchar).
    public static func isToken(_ string: some StringProtocol) -> Bool {
        !string.isEmpty && string.utf8.allSatisfy(isTokenByte)
    }

    /// ASCII case-insensitive equality (header names, tokens such as `websocket`).
    public static func equalsIgnoringCase(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { lowercased($0) == lowercased($1) }
    }

    @inlinable static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// Splits comma-separated list values (RFC 7230 §7) into their elements, trimmed of OWS,
    /// with empty elements dropped (§7: a recipient MUST accept and ignore them). Commas
    /// inside quoted strings do not split. Several field lines are one list (§3.2.2).
    ///
    /// - Returns: nil when a quoted string is not terminated.
    public static func listElements(_ values: [String]) -> [String]? {
        var elements: [String] = []
        for value in values {
            guard forEachListElement(value, { elements.append(String($0)) }) else { return nil }
        }
        return elements
    }

    /// Calls `body` with each element of the list `value` (the rules of
    /// ``listElements(_:)``) as a slice of it, building nothing; false when a quoted string
    /// is not terminated (elements before it have been passed to `body`).
    static func forEachListElement(_ value: String, _ body: (Substring) -> Void) -> Bool {
        let bytes = value.utf8
        var inQuotes = false
        var escaped = false
        var elementStart = bytes.startIndex
        func emit(_ end: String.UTF8View.Index) {
            let element = trimmingOWS(value[elementStart..<end])
            if !element.isEmpty { body(element) }
        }
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inQuotes {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inQuotes = false
                }
            } else if byte == UInt8(ascii: ",") {
                emit(index)
                elementStart = bytes.index(after: index)
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            }
            index = bytes.index(after: index)
        }
        guard !inQuotes else { return false }
        emit(bytes.endIndex)
        return true
    }

    /// `text` without leading and trailing SP / HTAB.
    static func trimmingOWS(_ text: Substring) -> Substring {
        var slice = text
        while let f = slice.utf8.first, f == 0x20 || f == 0x09 { slice = slice.dropFirst() }
        while let l = slice.utf8.last, l == 0x20 || l == 0x09 { slice = slice.dropLast() }
        return slice
    }

    /// Parses a list of tokens (Connection, Sec-WebSocket-Protocol: `1#token`); nil when an
    /// element is not a token.
    public static func tokenList(_ values: [String]) -> [String]? {
        var tokens: [String] = []
        for value in values {
            guard appendTokens(of: value, to: &tokens) else { return nil }
        }
        return tokens
    }

    /// Appends the tokens of the list `value` to `tokens`; false when an element is not a
    /// token or a quote is unterminated.
    static func appendTokens(of value: String, to tokens: inout [String]) -> Bool {
        var valid = true
        let terminated = forEachListElement(value) { element in
            guard valid, isToken(element) else {
                valid = false
                return
            }
            tokens.append(interned(element))
        }
        return terminated && valid
    }

    /// Tokens of the handshake as literals (a literal is not allocated; most of these are
    /// too long to be stored inline in a `String`).
    private static let knownTokens: [String] = [
        "permessage-deflate", "client_max_window_bits", "server_max_window_bits", "client_no_context_takeover",
        "server_no_context_takeover", "websocket", "Upgrade", "flowcoach.v1",
    ]

    /// `text` as a `String`, the literal when it is one of the usual tokens.
    static func interned(_ text: Substring) -> String {
        for known in knownTokens where known.utf8.count == text.utf8.count && known.utf8.elementsEqual(text.utf8) {
            return known
        }
        return String(text)
    }

    /// Whether an element of the list `value` equals `token` (ASCII case-insensitive),
    /// scanning in place; nil when a quoted string is not terminated (as ``listElements(_:)``).
    public static func listContains(_ value: String, _ token: String) -> Bool? {
        var found = false
        guard forEachListElement(value, { if equalsIgnoringCase($0, token) { found = true } }) else { return nil }
        return found
    }

    /// RFC 7230 §3.2.6: unescapes a quoted-string (`"a\"b"` → `a"b`); nil when malformed.
    public static func unquote(_ quoted: some StringProtocol) -> String? {
        let bytes = Array(quoted.utf8)
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var i = 1
        while i < bytes.count - 1 {
            var byte = bytes[i]
            if byte == UInt8(ascii: "\\") {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                i += 1
                guard i < bytes.count - 1 else { return nil }
                byte = bytes[i]
            } else if byte == UInt8(ascii: "\"") {
                return nil
            }
            // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
            guard byte == 0x09 || (byte >= 0x20 && byte != 0x7F) else { return nil }
            out.append(byte)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Builds a value: the string itself when it is a token, otherwise a quoted-string.
    public static func tokenOrQuoted(_ value: String) -> String {
        if isToken(value) { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" { out.append("\\") }
            out.unicodeScalars.append(scalar)
        }
        out.append("\"")
        return out
    }
}
