/// A client-chosen session id: a UUID in its canonical 8-4-4-4-12 hexadecimal form
/// (RFC 9562 §4), held as its 16 bytes.
///
/// `activity` names its session on every message, so the id is parsed straight from the
/// payload into two words and formatted back into the `flow` answer from them: no
/// `String` per message. The text form is lowercase (RFC 9562 §4: output in lowercase,
/// input case-insensitive), which is also how the store keys sessions.
public struct SessionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Bytes 0–7 of the UUID, big-endian.
    public var high: UInt64
    /// Bytes 8–15 of the UUID, big-endian.
    public var low: UInt64

    /// Length of the text form.
    public static let textLength = 36

    /// The id with these 16 bytes (`high` holds the first eight).
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hex digits of either case);
    /// `nil` for anything else, including braces, `urn:uuid:` prefixes and missing hyphens.
    public init?(utf8 text: UnsafeRawBufferPointer) {
        guard text.count == Self.textLength, let base = text.baseAddress else { return nil }
        // Named by every `activity`: the groups read at their fixed places, hyphens checked.
        let p = base.assumingMemoryBound(to: UInt8.self)
        guard p[8] == UInt8(ascii: "-"), p[13] == UInt8(ascii: "-"), p[18] == UInt8(ascii: "-"),
              p[23] == UInt8(ascii: "-"),
              let group1 = Self.readHex(p, count: 8), let group2 = Self.readHex(p + 9, count: 4),
              let group3 = Self.readHex(p + 14, count: 4), let group4 = Self.readHex(p + 19, count: 4),
              let group5 = Self.readHex(p + 24, count: 12) else { return nil }
        self.init(high: group1 << 32 | group2 << 16 | group3, low: group4 << 48 | group5)
    }

    /// The value of `count` hex digits at `p`, or `nil` when one is not a hex digit.
    @inline(__always)
    private static func readHex(_ p: UnsafePointer<UInt8>, count: Int) -> UInt64? {
        var value: UInt64 = 0
        for index in 0..<count {
            guard let nibble = hexValue(p[index]) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    /// Parses the text form of `string` (see ``init(utf8:)``).
    public init?(_ string: String) {
        var string = string
        guard let id = string.withUTF8({ Self(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = id
    }

    /// Writes the 36-byte lowercase text form into `buffer`, which must hold at least
    /// ``textLength`` bytes.
    public func write(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= Self.textLength, "SessionID: buffer shorter than 36 bytes")
        // On every `flow`: two hex digits per byte, straight from the words, with the
        // hyphens at their fixed places (no per-character index arithmetic).
        let out = buffer.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
        Self.writeHex(high >> 32, digits: 8, to: out)
        out[8] = UInt8(ascii: "-")
        Self.writeHex(high >> 16, digits: 4, to: out + 9)
        out[13] = UInt8(ascii: "-")
        Self.writeHex(high, digits: 4, to: out + 14)
        out[18] = UInt8(ascii: "-")
        Self.writeHex(low >> 48, digits: 4, to: out + 19)
        out[23] = UInt8(ascii: "-")
        Self.writeHex(low, digits: 12, to: out + 24)
    }

    /// Writes the low `digits` hex digits of `word`, lowercase, most significant first.
    @inline(__always)
    private static func writeHex(_ word: UInt64, digits: Int, to out: UnsafeMutablePointer<UInt8>) {
        var rest = word
        var index = digits
        while index > 0 {
            index &-= 1
            let nibble = UInt8(truncatingIfNeeded: rest & 0xF)
            // 0–9 → "0"–"9", 10–15 → "a"–"f" ("a" is 39 past "0" + 10).
            out[index] = UInt8(ascii: "0") &+ nibble &+ (nibble > 9 ? 39 : 0)
            rest >>= 4
        }
    }

    /// Calls `body` with the text form, formatted on the stack.
    public func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: Self.textLength, alignment: 1) { buffer in
            write(into: buffer)
            return body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// The lowercase text form (allocates; for logs, the store and tests).
    public var description: String {
        withText { String(decoding: $0, as: UTF8.self) }
    }

    /// Orders by the 16 bytes, which is also the order of the text forms.
    public static func < (lhs: SessionID, rhs: SessionID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    /// The value of an ASCII hex digit, or `nil`.
    @inline(__always)
    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
