// RFC 8259 §7 string output: quotation mark, reverse solidus and U+0000–U+001F MUST be
// escaped; everything else may pass through as UTF-8.

extension JSONWriter {
    /// Writes `string` quoted and escaped.
    mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { writeString(UnsafeRawBufferPointer($0)) }
    }

    /// Writes the bytes `utf8` quoted and escaped; ill-formed UTF-8 becomes `\ufffd`.
    mutating func writeString(_ utf8: UnsafeRawBufferPointer) {
        bytes.append(UInt8(ascii: "\""))
        let n = utf8.count
        var runStart = 0
        var i = 0
        while i < n {
            let c = utf8[i]
            if c >= 0x20 && c != 0x22 && c != 0x5C && c < 0x80 {
                i += 1
                continue
            }
            if c >= 0x80, let base = utf8.baseAddress,
                let length = WellFormedUTF8.sequenceLength(base.assumingMemoryBound(to: UInt8.self), n, i)
            {
                i += length
                continue
            }
            if runStart < i { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<i])) }
            appendEscape(for: c)
            i += 1
            runStart = i
        }
        if runStart < n { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<n])) }
        bytes.append(UInt8(ascii: "\""))
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
            // Not the start of well-formed UTF-8 (RFC 3629): U+FFFD REPLACEMENT CHARACTER.
            appendLiteral("ufffd")
        }
    }
}
