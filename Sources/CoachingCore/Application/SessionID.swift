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
        // Named by every `activity`: the hyphens checked at their fixed places, the 32 digits
        // read eight at a time (the middle groups joined into words of eight).
        let p = UnsafeRawPointer(base)
        guard p.load(fromByteOffset: 8, as: UInt8.self) == UInt8(ascii: "-"),
              p.load(fromByteOffset: 13, as: UInt8.self) == UInt8(ascii: "-"),
              p.load(fromByteOffset: 18, as: UInt8.self) == UInt8(ascii: "-"),
              p.load(fromByteOffset: 23, as: UInt8.self) == UInt8(ascii: "-"),
              let first = Self.hexValue(eight: Self.word(p, 0)),
              let second = Self.hexValue(eight: Self.join(p, 9, 14)),
              let third = Self.hexValue(eight: Self.join(p, 19, 24)),
              let fourth = Self.hexValue(eight: Self.word(p, 28))
        else { return nil }
        self.init(high: UInt64(first) << 32 | UInt64(second), low: UInt64(third) << 32 | UInt64(fourth))
    }

    /// The eight bytes at `offset`, as one word read little-endian (the first byte lowest).
    @inline(__always)
    private static func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The four bytes at `a` followed by the four at `b`, as one word read little-endian
    /// (the byte at `a` lowest).
    @inline(__always)
    private static func join(_ p: UnsafeRawPointer, _ a: Int, _ b: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: a, as: UInt32.self)))
            | UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: b, as: UInt32.self))) << 32
    }

    /// The value of eight hex digits (either case), the first in the lowest byte of `chars`
    /// (eight bytes of text loaded little-endian), or `nil` when one is not a hex digit.
    /// All eight at once: each byte is classified by adding bounds so that bit 7 says
    /// whether it is at least the range's start and past its end, then the nibbles are
    /// gathered into the word's high end first.
    @inline(__always)
    static func hexValue(eight chars: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        guard chars & high == 0 else { return nil }  // not ASCII
        // Per byte b < 0x80: b + (0x80 - lo) has bit 7 set iff b >= lo, b + (0x7F - hi) iff b > hi.
        func inRange(_ x: UInt64, _ lo: UInt64, _ hi: UInt64) -> UInt64 {
            (x &+ ones &* (0x80 &- lo)) & ~(x &+ ones &* (0x7F &- hi)) & high
        }
        let digit = inRange(chars, 0x30, 0x39)
        // Setting bit 5 folds "A"–"F" onto "a"–"f" and nothing else onto them.
        let letter = inRange(chars | 0x2020_2020_2020_2020, 0x61, 0x66)
        guard digit | letter == high else { return nil }
        // "0"–"9" are their low nibble; "a"–"f" and "A"–"F" their low nibble + 9.
        var x = (chars & 0x0F0F_0F0F_0F0F_0F0F) &+ (letter >> 7) &* 9
        x = x.byteSwapped  // the first digit in the most significant byte
        x = (x | x >> 4) & 0x00FF_00FF_00FF_00FF
        x = (x | x >> 8) & 0x0000_FFFF_0000_FFFF
        x = (x | x >> 16) & 0x0000_0000_FFFF_FFFF
        return UInt32(truncatingIfNeeded: x)
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
        // On every `flow`: eight hex digits at a time (one word's arithmetic, one store),
        // the hyphens at their fixed places.
        let out = UnsafeMutableRawPointer(buffer.baseAddress.unsafelyUnwrapped)
        let middle = Self.hexDigits(UInt32(truncatingIfNeeded: high))
        let last = Self.hexDigits(UInt32(truncatingIfNeeded: low))
        let fourth = Self.hexDigits(UInt32(truncatingIfNeeded: low >> 32))
        // Stored little-endian: the lowest byte of each word is its first character.
        let first = Self.hexDigits(UInt32(truncatingIfNeeded: high >> 32))
        out.storeBytes(of: first.littleEndian, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 8, as: UInt8.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: middle).littleEndian, toByteOffset: 9, as: UInt32.self)
        out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 13, as: UInt8.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: middle >> 32).littleEndian, toByteOffset: 14, as: UInt32.self)
        out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 18, as: UInt8.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: fourth).littleEndian, toByteOffset: 19, as: UInt32.self)
        out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 23, as: UInt8.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: fourth >> 32).littleEndian, toByteOffset: 24, as: UInt32.self)
        out.storeBytes(of: last.littleEndian, toByteOffset: 28, as: UInt64.self)
    }

    /// The eight lowercase hex digits of `word`, the most significant in the lowest byte (the
    /// first character once stored little-endian). Each nibble is spread into a byte of its
    /// own (three shift-and-mask steps), then 0–9 become "0"–"9" and 10–15 "a"–"f" in every
    /// byte at once ("a" is 39 past "0" + 10).
    @inline(__always)
    static func hexDigits(_ word: UInt32) -> UInt64 {
        var x = UInt64(word)
        x = (x | x << 16) & 0x0000_FFFF_0000_FFFF
        x = (x | x << 8) & 0x00FF_00FF_00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F_0F0F_0F0F
        // The spread leaves the first digit in the most significant byte: swap it to the lowest.
        x = x.byteSwapped
        let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return x &+ 0x3030_3030_3030_3030 &+ letters &* 39
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

}
