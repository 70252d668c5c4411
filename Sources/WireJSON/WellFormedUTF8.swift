/// The RFC 3629 §4 definition of well-formed UTF-8, shared by the reader (which rejects
/// anything else inside strings) and the writer (which replaces it).
///
/// | first byte | second byte | further bytes |
/// |------------|-------------|---------------|
/// | C2–DF      | 80–BF       |               |
/// | E0         | A0–BF       | 80–BF         |
/// | E1–EC, EE–EF | 80–BF     | 80–BF         |
/// | ED         | 80–9F (no surrogates) | 80–BF |
/// | F0         | 90–BF       | 80–BF ×2      |
/// | F1–F3      | 80–BF       | 80–BF ×2      |
/// | F4         | 80–8F (≤ U+10FFFF) | 80–BF ×2 |
///
/// So overlong forms (C0, C1, E0 80–9F, F0 80–8F), UTF-16 surrogates encoded as UTF-8
/// (ED A0–BF) and values above U+10FFFF (F4 90+, F5–FF) are all ill-formed.
enum WellFormedUTF8 {
    /// Length of the well-formed multi-byte sequence starting at `p[i]` (a byte ≥ 0x80)
    /// within `p[0..<n]`, or `nil` when it is ill-formed or truncated.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Int? {
        let length: Int
        var low: UInt8 = 0x80  // bounds of the second byte
        var high: UInt8 = 0xBF
        switch p[i] {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard i + length <= n else { return nil }
        let second = p[i + 1]
        guard second >= low && second <= high else { return nil }
        var k = 2
        while k < length {
            guard p[i + k] & 0xC0 == 0x80 else { return nil }
            k += 1
        }
        return length
    }

    /// Length of the "maximal subpart" of an ill-formed sequence at `p[i]` (Unicode
    /// §3.9, U+FFFD substitution): the longest prefix that could still begin a
    /// well-formed sequence, at least 1. A writer replaces that many bytes with one
    /// U+FFFD, as Swift's `String(decoding:as:)` does.
    static func maximalSubpartLength(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: Int) -> Int {
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch p[i] {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return 1
        }
        var k = 1
        while k < length && i + k < n {
            let byte = p[i + k]
            let inRange = k == 1 ? (byte >= low && byte <= high) : (byte & 0xC0 == 0x80)
            guard inRange else { break }
            k += 1
        }
        return k
    }
}
