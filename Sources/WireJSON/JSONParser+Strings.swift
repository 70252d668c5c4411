// RFC 8259 §7 strings and §8.1 UTF-8: validated in one pass, decoded only on demand.

extension JSONParser {
    /// Scans a string whose opening quote is at `start`, appends its tape entry and
    /// returns the index after the closing quote.
    ///
    /// The pass validates everything a later decode relies on (escapes, surrogate
    /// pairing, UTF-8) and computes the decoded length, so decoding never fails.
    @inline(__always)
    mutating func scanString(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) throws(JSONError) -> Int {
        var i = start + 1
        var saved = 0  // raw bytes minus decoded bytes, over all escapes
        var flags: UInt8 = 0
        while true {
            // Fast path: printable ASCII other than '"' and '\'.
            while i < n {
                let c = p[i]
                guard c >= 0x20 && c != 0x22 && c != 0x5C && c < 0x80 else { break }
                i += 1
            }
            guard i < n else { throw .unexpectedEnd(offset: n, expected: .closingQuote) }
            let c = p[i]
            if c == 0x22 { break }
            if c == 0x5C {
                flags = JSONNode.escapedFlag
                let (length, decoded) = try Self.scanEscape(p, n, i)
                i += length
                saved += length - decoded
            } else if c < 0x20 {
                // RFC 8259 §7: control characters (U+0000 through U+001F) MUST be escaped.
                throw .controlCharacterInString(offset: i, byte: c)
            } else {
                // RFC 8259 §8.1: JSON text MUST be encoded in UTF-8 (RFC 3629).
                guard let length = WellFormedUTF8.sequenceLength(p, n, i) else { throw .invalidUTF8(offset: i) }
                i += length
            }
        }
        let rawLength = i - start - 1
        _ = try append(
            JSONNode(type: .string, start: start + 1, length: rawLength, extra: rawLength - saved, flags: flags),
            offset: start)
        return i + 1
    }

    /// Validates the escape whose backslash is at `start`. Returns its raw length and
    /// the number of UTF-8 bytes it decodes to.
    static func scanEscape(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) throws(JSONError) -> (Int, Int) {
        guard start + 1 < n else { throw .unexpectedEnd(offset: n, expected: .closingQuote) }
        switch p[start + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return (2, 1)
        case UInt8(ascii: "u"):
            let unit = try hex4(p, n, start)
            switch unit {
            case 0xD800...0xDBFF:
                // RFC 8259 §7: a character outside the BMP is a surrogate pair of
                // escapes. A high surrogate must be followed by `\u` + a low surrogate.
                guard start + 7 < n, p[start + 6] == UInt8(ascii: "\\"), p[start + 7] == UInt8(ascii: "u") else {
                    throw .unpairedSurrogate(offset: start)
                }
                let low = try hex4(p, n, start + 6)
                guard (0xDC00...0xDFFF).contains(low) else { throw .unpairedSurrogate(offset: start) }
                return (12, 4)
            case 0xDC00...0xDFFF:
                throw .unpairedSurrogate(offset: start)
            default:
                return (6, unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3)
            }
        default:
            throw .invalidEscape(offset: start)
        }
    }

    /// The four hex digits of the `\u` escape whose backslash is at `start`.
    @inline(__always)
    static func hex4(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) throws(JSONError) -> UInt32 {
        guard start + 5 < n else {
            // Distinguish "ran out of input" from "bad digit" for a precise message.
            var k = start + 2
            while k < n {
                guard JSONUnescaper.hexValue(p[k]) != nil else { throw .invalidUnicodeEscape(offset: start) }
                k += 1
            }
            throw .unexpectedEnd(offset: n, expected: .hexDigit)
        }
        var value: UInt32 = 0
        for k in 2..<6 {
            guard let digit = JSONUnescaper.hexValue(p[start + k]) else {
                throw .invalidUnicodeEscape(offset: start)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
