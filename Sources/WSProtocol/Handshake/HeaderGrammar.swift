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
            var current: [UInt8] = []
            var inQuotes = false
            var escaped = false
            for byte in value.utf8 {
                if inQuotes {
                    current.append(byte)
                    if escaped {
                        escaped = false
                    } else if byte == UInt8(ascii: "\\") {
                        escaped = true
                    } else if byte == UInt8(ascii: "\"") {
                        inQuotes = false
                    }
                } else if byte == UInt8(ascii: ",") {
                    appendTrimmed(current, to: &elements)
                    current.removeAll(keepingCapacity: true)
                } else {
                    if byte == UInt8(ascii: "\"") { inQuotes = true }
                    current.append(byte)
                }
            }
            guard !inQuotes else { return nil }
            appendTrimmed(current, to: &elements)
        }
        return elements
    }

    /// Whether an element of the list `value` equals `token` (ASCII case-insensitive),
    /// scanning in place; nil when a quoted string is not terminated (as ``listElements(_:)``).
    public static func listContains(_ value: String, _ token: String) -> Bool? {
        let bytes = value.utf8
        var found = false
        var inQuotes = false
        var escaped = false
        var elementStart = bytes.startIndex
        func check(_ end: String.UTF8View.Index) {
            var element = bytes[elementStart..<end]
            while let f = element.first, f == 0x20 || f == 0x09 { element = element.dropFirst() }
            while let l = element.last, l == 0x20 || l == 0x09 { element = element.dropLast() }
            if element.count == token.utf8.count
                && zip(element, token.utf8).allSatisfy({ lowercased($0) == lowercased($1) }) {
                found = true
            }
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
                check(index)
                elementStart = bytes.index(after: index)
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            }
            index = bytes.index(after: index)
        }
        guard !inQuotes else { return nil }
        check(bytes.endIndex)
        return found
    }

    private static func appendTrimmed(_ bytes: [UInt8], to elements: inout [String]) {
        var slice = bytes[...]
        while let f = slice.first, f == 0x20 || f == 0x09 { slice.removeFirst() }
        while let l = slice.last, l == 0x20 || l == 0x09 { slice.removeLast() }
        if !slice.isEmpty { elements.append(String(decoding: slice, as: UTF8.self)) }
    }

    /// Parses a list of tokens (Connection, Sec-WebSocket-Protocol: `1#token`); nil when an
    /// element is not a token.
    public static func tokenList(_ values: [String]) -> [String]? {
        guard let elements = listElements(values) else { return nil }
        return elements.allSatisfy(isToken) ? elements : nil
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
