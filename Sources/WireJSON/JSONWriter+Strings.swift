// RFC 8259 §7 string output: quotation mark, reverse solidus and U+0000–U+001F MUST be
// escaped; everything else may pass through as UTF-8.

extension JSONWriter {
    /// Writes `string` quoted and escaped.
    mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { writeString(UnsafeRawBufferPointer($0)) }
    }

    /// Writes the bytes `utf8` quoted and escaped; each maximal ill-formed UTF-8
    /// subpart becomes `\ufffd`.
    mutating func writeString(_ utf8: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        defer { bytes.append(UInt8(ascii: "\"")) }
        guard let base = utf8.baseAddress else { return }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = utf8.count
        var runStart = 0  // bytes[runStart..<i] are copied as they are
        var i = 0
        while i < n {
            let c = p[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C && c < 0x80 {
                i += 1
                continue
            }
            if c >= 0x80, let length = WellFormedUTF8.sequenceLength(p, n, i) {
                i += length
                continue
            }
            if runStart < i { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<i])) }
            if c >= 0x80 {
                // Not well-formed (RFC 3629): one U+FFFD per maximal subpart.
                appendLiteral("\\ufffd")
                i += WellFormedUTF8.maximalSubpartLength(p, n, i)
            } else {
                appendEscape(for: c)
                i += 1
            }
            runStart = i
        }
        if runStart < n { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<n])) }
    }

    /// Appends the escape for a byte that may not appear as itself.
    private mutating func appendEscape(for c: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch c {
        case 0x22: bytes.append(UInt8(ascii: "\""))
        case 0x5C: bytes.append(UInt8(ascii: "\\"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0..<0x20:
            let hex: StaticString = "0123456789abcdef"
            appendLiteral("u00")
            bytes.append(hex.utf8Start[Int(c >> 4)])
            bytes.append(hex.utf8Start[Int(c & 0xF)])
        default:
            preconditionFailure("JSONWriter: byte 0x\(String(c, radix: 16)) needs no escape")
        }
    }
}
