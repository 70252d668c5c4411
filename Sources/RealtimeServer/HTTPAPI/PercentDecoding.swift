import CoachingCore
/// RFC 3986 §2.1 percent-decoding of one path segment or query component.
///
/// Strict: `%` must be followed by two hex digits, the result must be valid UTF-8, and
/// `+` stays a plus (RFC 3986 gives it no meaning; `language=c%2B%2B` and `language=c++`
/// are the same). Control characters are refused, so nothing decoded here can smuggle a
/// line break into a header or a log line.
enum PercentDecoding {
    /// The decoded text, or nil when the escape or the UTF-8 is broken or a control
    /// character (U+0000–U+001F, U+007F) appears.
    static func decode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
