/// Base64 (RFC 4648 §4) for the handshake keys: encoding, and strict decoding that accepts
/// only the canonical padded form.
public enum Base64 {
    /// Encodes bytes with `=` padding.
    public static func encode<C: Collection<UInt8>>(_ bytes: C) -> String {
        let input = Array(bytes)
        return String(unsafeUninitializedCapacity: encodedCount(input.count)) { out in
            input.withUnsafeBytes { encode($0, into: UnsafeMutableRawBufferPointer(out)) }
        }
    }

    /// The length of the encoding of `count` bytes.
    public static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Encodes `input` with `=` padding into the start of `out` (at least
    /// ``encodedCount(_:)`` bytes); returns the bytes written. Allocates nothing.
    @discardableResult
    public static func encode(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
        precondition(out.count >= encodedCount(input.count), "Base64: output buffer too small")
        var o = 0
        func put(_ sextet: UInt32) {
            out[o] = symbol(Int(sextet & 63))
            o += 1
        }
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            put(n >> 18)
            put(n >> 12)
            put(n >> 6)
            put(n)
            i += 3
        }
        let rest = input.count - i
        if rest > 0 {
            let n = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
            put(n >> 18)
            put(n >> 12)
            if rest == 2 { put(n >> 6) } else { out[o] = UInt8(ascii: "="); o += 1 }
            out[o] = UInt8(ascii: "=")
            o += 1
        }
        return o
    }

    /// RFC 4648 Table 1.
    private static func symbol(_ value: Int) -> UInt8 {
        switch value {
        case 0..<26: UInt8(ascii: "A") + UInt8(value)
        case 26..<52: UInt8(ascii: "a") + UInt8(value - 26)
        case 52..<62: UInt8(ascii: "0") + UInt8(value - 52)
        case 62: UInt8(ascii: "+")
        default: UInt8(ascii: "/")
        }
    }

    /// Decodes canonical padded base64; nil for any other character, a length that is not a
    /// multiple of 4, misplaced padding or non-zero bits under the padding.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count / 4 * 3)
        guard decode(string.utf8, emit: { out.append($0) }) else { return nil }
        return out
    }

    /// How many bytes `string` decodes to, nil when it is not canonical padded base64 (the
    /// rules of ``decode(_:)``), without decoding into memory.
    public static func decodedCount(_ string: some StringProtocol) -> Int? {
        var count = 0
        guard decode(string.utf8, emit: { _ in count += 1 }) else { return nil }
        return count
    }

    private static func decode<C: Collection<UInt8>>(_ input: C, emit: (UInt8) -> Void) -> Bool {
        let total = input.count
        guard total % 4 == 0 else { return false }
        var quantum: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        var seen = 0
        for c in input {
            switch seen % 4 {
            case 0: quantum.0 = c
            case 1: quantum.1 = c
            case 2: quantum.2 = c
            default: quantum.3 = c
            }
            seen += 1
            guard seen % 4 == 0 else { continue }
            let isLast = seen == total
            var n: UInt32 = 0
            var padding = 0
            for j in 0..<4 {
                let c = j == 0 ? quantum.0 : j == 1 ? quantum.1 : j == 2 ? quantum.2 : quantum.3
                if c == UInt8(ascii: "=") {
                    // Padding only in the last quantum, only in positions 2 and 3, contiguous.
                    guard isLast, j >= 2, j == 3 || quantum.3 == UInt8(ascii: "=") else { return false }
                    padding += 1
                    n <<= 6
                } else {
                    guard padding == 0, let v = value(of: c) else { return false }
                    n = n << 6 | UInt32(v)
                }
            }
            if padding == 1 && n & 0xFF != 0 { return false }
            if padding == 2 && n & 0xFFFF != 0 { return false }
            emit(UInt8(truncatingIfNeeded: n >> 16))
            if padding < 2 { emit(UInt8(truncatingIfNeeded: n >> 8)) }
            if padding < 1 { emit(UInt8(truncatingIfNeeded: n)) }
        }
        return true
    }

    private static func value(of c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
