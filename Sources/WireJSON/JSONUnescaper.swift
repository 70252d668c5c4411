/// Decodes the raw bytes of a string the parser has validated (the bytes between the
/// quotes) into UTF-8, one byte at a time or in bulk.
///
/// Because ``JSONParser`` already checked every escape, surrogate pair and UTF-8
/// sequence, decoding cannot fail and never looks past the end of `raw`.
struct JSONUnescaper: IteratorProtocol {
    let raw: UnsafeRawBufferPointer
    var position = 0
    /// Further UTF-8 bytes of the last `\u` escape, lowest byte first.
    var pending: UInt32 = 0
    var pendingCount = 0

    init(raw: UnsafeRawBufferPointer) {
        self.raw = raw
    }

    /// The next decoded byte, or `nil` at the end.
    mutating func next() -> UInt8? {
        if pendingCount > 0 {
            pendingCount -= 1
            let byte = UInt8(truncatingIfNeeded: pending)
            pending >>= 8
            return byte
        }
        guard position < raw.count else { return nil }
        let c = raw[position]
        guard c == UInt8(ascii: "\\") else {
            position += 1
            return c
        }
        let (scalar, length) = Self.escape(raw, at: position)
        position += length
        let (bytes, count) = Self.utf8(scalar)
        pending = bytes >> 8
        pendingCount = count - 1
        return UInt8(truncatingIfNeeded: bytes)
    }

    /// Decodes all of `raw` into `out`, which must have room for the decoded length the
    /// parser recorded. Returns the number of bytes written.
    static func decode(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        var o = 0
        let n = raw.count
        while i < n {
            let c = raw[i]
            if c != UInt8(ascii: "\\") {
                out[o] = c
                i += 1
                o += 1
                continue
            }
            let (scalar, length) = escape(raw, at: i)
            i += length
            var (bytes, count) = utf8(scalar)
            while count > 0 {
                out[o] = UInt8(truncatingIfNeeded: bytes)
                bytes >>= 8
                o += 1
                count -= 1
            }
        }
        return o
    }

    /// The scalar value of the (validated) escape at `i` and its raw length.
    static func escape(_ raw: UnsafeRawBufferPointer, at i: Int) -> (UInt32, Int) {
        switch raw[i + 1] {
        case UInt8(ascii: "b"): return (0x08, 2)
        case UInt8(ascii: "f"): return (0x0C, 2)
        case UInt8(ascii: "n"): return (0x0A, 2)
        case UInt8(ascii: "r"): return (0x0D, 2)
        case UInt8(ascii: "t"): return (0x09, 2)
        case UInt8(ascii: "u"):
            let unit = hex4(raw, at: i + 2)
            guard (0xD800...0xDBFF).contains(unit) else { return (unit, 6) }
            let low = hex4(raw, at: i + 8)
            return (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
        case let other: return (UInt32(other), 2)  // '"', '\\', '/'
        }
    }

    static func hex4(_ raw: UnsafeRawBufferPointer, at i: Int) -> UInt32 {
        var value: UInt32 = 0
        for k in i..<(i + 4) {
            value = value << 4 | UInt32(hexValue(raw[k]) ?? 0)
        }
        return value
    }

    /// UTF-8 bytes of `scalar` packed lowest-first, and their count (RFC 3629 §3).
    static func utf8(_ scalar: UInt32) -> (UInt32, Int) {
        switch scalar {
        case 0..<0x80:
            return (scalar, 1)
        case 0x80..<0x800:
            return ((0xC0 | scalar >> 6) | (0x80 | scalar & 0x3F) << 8, 2)
        case 0x800..<0x10000:
            return ((0xE0 | scalar >> 12) | (0x80 | scalar >> 6 & 0x3F) << 8 | (0x80 | scalar & 0x3F) << 16, 3)
        default:
            return ((0xF0 | scalar >> 18) | (0x80 | scalar >> 12 & 0x3F) << 8
                | (0x80 | scalar >> 6 & 0x3F) << 16 | (0x80 | scalar & 0x3F) << 24, 4)
        }
    }

    /// The value of an ASCII hex digit, either case.
    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
