/// A session id as the client chooses it: a random UUID (RFC 9562 §5.4, version 4) held as
/// 16 bytes, so the hot path compares the `session` of every `flow` without allocating.
public struct SessionKey: Sendable, Hashable, CustomStringConvertible {
    /// Bytes 0–7, big-endian.
    public var high: UInt64
    /// Bytes 8–15, big-endian.
    public var low: UInt64

    /// Length of the canonical text form.
    public static let textLength = 36

    /// The id with these 16 bytes.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A version-4 UUID from `generator` (RFC 9562 §5.4: version nibble 4, variant bits 10).
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> SessionKey {
        let high = (generator.next() & ~0xF000) | 0x4000
        let low = (generator.next() & ~(UInt64(0xC) << 60)) | (UInt64(0x8) << 60)
        return SessionKey(high: high, low: low)
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (either case); nil otherwise.
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
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            if digits < 16 { words.0 = words.0 << 4 | UInt64(nibble) } else { words.1 = words.1 << 4 | UInt64(nibble) }
            digits += 1
        }
        self.init(high: words.0, low: words.1)
    }

    /// Parses the text form of `string`.
    public init?(_ string: String) {
        var string = string
        guard let key = string.withUTF8({ Self(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = key
    }

    /// Calls `body` with the 36-byte lowercase text form, formatted on the stack.
    public func withText<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: Self.textLength, alignment: 1) { buffer in
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
            return body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// The lowercase text form.
    public var description: String { withText { String(decoding: $0, as: UTF8.self) } }
}
