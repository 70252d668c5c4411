import CoachingCore

/// A statement parameter, in PostgreSQL's text format except `.binary`. Every value reaches
/// the server as a bound parameter (`$n`), never spliced into SQL text, so any string stays
/// data.
///
/// Text-format parameters travel as C strings, so a string with a NUL byte cannot be sent
/// (PostgreSQL's `text` cannot hold one anyway): encoding it throws `.invalidValue`.
enum PGValue: Equatable {
    case null
    case text(String)
    case integer(Int64)
    case real(Double)
    case bool(Bool)
    /// `bytea`, sent in hex form (`\x0a1b…`).
    case bytes([UInt8])
    /// Text already checked for NUL bytes (an array literal).
    case encoded([UInt8])
    /// A value in PostgreSQL's binary format (`PGBinaryArray`), sent with its length.
    case binary([UInt8])

    static func optionalText(_ text: String?) -> PGValue { text.map { .text($0) } ?? .null }
    static func optionalInteger(_ number: Int64?) -> PGValue { number.map { .integer($0) } ?? .null }

    /// The length and format libpq needs for a binary value (text values are NUL-terminated
    /// and need neither).
    var binaryLength: Int32? {
        if case .binary(let bytes) = self { return Int32(clamping: bytes.count) }
        return nil
    }

    /// Appends the value's text form (or binary bytes) plus a terminating NUL to `buffer`;
    /// false for `.null` (nothing appended).
    func encode(into buffer: inout [UInt8]) throws(StoreError) -> Bool {
        switch self {
        case .null: return false
        case .text(let text): try PGValue.appendCheckedText(text, to: &buffer)
        case .integer(let number): buffer.append(contentsOf: String(number).utf8)
        case .real(let number): buffer.append(contentsOf: PGValue.realText(number).utf8)
        case .bool(let flag): buffer.append(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case .bytes(let bytes): PGValue.appendHex(bytes, to: &buffer)
        case .encoded(let bytes), .binary(let bytes): buffer.append(contentsOf: bytes)
        }
        buffer.append(0)
        return true
    }

    /// PostgreSQL's spelling of a double (Swift writes `nan`/`inf`).
    static func realText(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return number.description
    }

    static func appendCheckedText(_ text: String, to buffer: inout [UInt8]) throws(StoreError) {
        let start = buffer.count
        buffer.append(contentsOf: text.utf8)
        if buffer[start...].contains(0) {
            buffer.removeSubrange(start...)
            throw .invalidValue(what: "text contains a NUL character, which PostgreSQL cannot store")
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `\x` followed by two lowercase hex digits per byte (bytea hex input format).
    static func appendHex(_ bytes: [UInt8], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\\"))
        buffer.append(UInt8(ascii: "x"))
        for byte in bytes {
            buffer.append(hexDigits[Int(byte >> 4)])
            buffer.append(hexDigits[Int(byte & 0x0F)])
        }
    }

    /// Decodes bytea hex output (`\x0a1b…`); nil when it is not in that form.
    static func decodeHex(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else {
            return nil
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((text.count - 2) / 2)
        var index = 2
        while index < text.count {
            guard let high = nibble(text[index]), let low = nibble(text[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Builds one array parameter in PostgreSQL's array text format (`{"a","b",NULL}`), for the
/// multi-row statements that `unnest` several arrays into rows. Every element is quoted and
/// `"`/`\` are escaped, so the element's text is data whatever it contains.
struct PGArrayLiteral {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private(set) var count = 0

    init(reservingCapacity capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    private mutating func separate() {
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        count += 1
    }

    mutating func append(_ text: String) throws(StoreError) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case 0: throw .invalidValue(what: "text contains a NUL character, which PostgreSQL cannot store")
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func append(optional text: String?) throws(StoreError) {
        guard let text else {
            separate()
            bytes.append(contentsOf: "NULL".utf8)
            return
        }
        try append(text)
    }

    mutating func append(_ number: Int64) {
        separate()
        bytes.append(contentsOf: String(number).utf8)
    }

    mutating func append(_ number: Double) {
        separate()
        bytes.append(contentsOf: PGValue.realText(number).utf8)
    }

    mutating func append(_ flag: Bool) {
        separate()
        bytes.append(flag ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// A bytea element: its hex form, quoted, with the leading backslash escaped.
    mutating func append(bytea: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: "\\"))
        PGValue.appendHex(bytea, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// The finished literal as a text parameter.
    var value: PGValue {
        var closed = bytes
        closed.append(UInt8(ascii: "}"))
        return .encoded(closed)
    }
}
