/// A UUID in the textual form PostgreSQL accepts for our keys (8-4-4-4-12 hex digits,
/// either case), validated and decoded in one pass over the UTF-8 bytes. The batch encodes
/// every session id several times (sessions, days, periods); checking the string in one walk
/// and decoding it in another took about a tenth of the writer process's CPU in a profile.
enum PGUUIDText {
    /// The 128 bits (first 16 digits, last 16 digits), or nil when `text` is not a UUID.
    static func parse(_ text: String) -> (high: UInt64, low: UInt64)? {
        var text = text
        return text.withUTF8 { bytes -> (high: UInt64, low: UInt64)? in
            guard bytes.count == 36 else { return nil }
            var high: UInt64 = 0
            var low: UInt64 = 0
            var digits = 0
            for index in 0..<36 {
                let byte = bytes[index]
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard byte == UInt8(ascii: "-") else { return nil }
                    continue
                }
                guard let value = hexValue(byte) else { return nil }
                if digits < 16 {
                    high = high << 4 | UInt64(value)
                } else {
                    low = low << 4 | UInt64(value)
                }
                digits += 1
            }
            return (high, low)
        }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
