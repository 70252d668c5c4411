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
        guard text.count == Self.textLength else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        var digits = 0
        for index in 0..<Self.textLength {
            let byte = text[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = Self.hexValue(byte) else { return nil }
            if digits < 16 {
                words.0 = words.0 << 4 | UInt64(nibble)
            } else {
                words.1 = words.1 << 4 | UInt64(nibble)
            }
            digits += 1
        }
        self.init(high: words.0, low: words.1)
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
        let hex: StaticString = "0123456789abcdef"
        var digit = 0
        for index in 0..<Self.textLength {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                buffer[index] = UInt8(ascii: "-")
                continue
            }
            let word = digit < 16 ? high : low
            let shift = UInt64(60 - 4 * (digit % 16))
            buffer[index] = hex.utf8Start[Int((word >> shift) & 0xF)]
            digit += 1
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
