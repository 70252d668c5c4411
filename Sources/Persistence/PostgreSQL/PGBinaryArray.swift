import CoachingCore
import FlowEngine

/// Builds one array parameter in PostgreSQL's binary format (`array_recv`), for the batch
/// statement that `unnest`s column arrays into rows. Binary elements cost the server no
/// text parsing (array and number parsing was about a tenth of the backend's time per
/// checkpoint) and need no quoting: every element travels as a length and its bytes.
///
/// Layout (network byte order): dimensions (1, or 0 when empty), has-nulls flag, element
/// type OID, then per dimension its length and lower bound (1), then per element an Int32
/// length (-1 for NULL) and the element's binary form.
struct PGBinaryArray {
    /// Element types and their OIDs (`pg_type.oid`, fixed since PostgreSQL 8.3 / 9.4).
    enum Element: Int32 {
        case bool = 16
        case bytea = 17
        case int8 = 20
        case text = 25
        case float8 = 701
        case date = 1082
        case uuid = 2950
        case jsonb = 3802
    }

    /// Days from 1970-01-01 to PostgreSQL's date epoch, 2000-01-01.
    private static let postgresEpochDay: Int64 = 10_957

    let element: Element
    private var elements: [UInt8] = []
    private var count: Int32 = 0
    private var hasNulls = false

    init(_ element: Element, reservingCapacity capacity: Int = 0) {
        self.element = element
        elements.reserveCapacity(capacity)
    }

    mutating func append(_ number: Int64) {
        precondition(element == .int8, "int8 element in a \(element) array")
        startElement(length: 8)
        Self.appendBigEndian(UInt64(bitPattern: number), to: &elements)
    }

    mutating func append(_ number: Double) {
        precondition(element == .float8, "float8 element in a \(element) array")
        startElement(length: 8)
        Self.appendBigEndian(number.bitPattern, to: &elements)
    }

    mutating func append(_ flag: Bool) {
        precondition(element == .bool, "bool element in a \(element) array")
        startElement(length: 1)
        elements.append(flag ? 1 : 0)
    }

    mutating func append(bytea bytes: [UInt8]) {
        precondition(element == .bytea, "bytea element in a \(element) array")
        startElement(length: bytes.count)
        elements.append(contentsOf: bytes)
    }

    /// A text element; `.invalidValue` for a NUL byte, which PostgreSQL's text cannot hold.
    mutating func append(_ text: String) throws(StoreError) {
        precondition(element == .text || element == .jsonb, "text element in a \(element) array")
        let utf8 = text.utf8
        guard !utf8.contains(0) else {
            throw .invalidValue(what: "text contains a NUL character, which PostgreSQL cannot store")
        }
        if element == .jsonb {
            startElement(length: utf8.count + 1)
            elements.append(1)  // jsonb binary format version
        } else {
            startElement(length: utf8.count)
        }
        elements.append(contentsOf: utf8)
    }

    mutating func append(optional text: String?) throws(StoreError) {
        guard let text else {
            Self.appendBigEndian(UInt32(bitPattern: -1), to: &elements)
            count += 1
            hasNulls = true
            return
        }
        try append(text)
    }

    /// A UUID in its text form (either case); `.invalidValue` otherwise.
    mutating func append(uuid text: String) throws(StoreError) {
        precondition(element == .uuid, "uuid element in a \(element) array")
        guard let uuid = PGUUIDText.parse(text) else { throw .invalidValue(what: "'\(text)' is not a UUID") }
        startElement(length: 16)
        Self.appendBigEndian(uuid.high, to: &elements)
        Self.appendBigEndian(uuid.low, to: &elements)
    }

    /// A `YYYY-MM-DD` day; `.invalidValue` for anything else.
    mutating func append(day text: String) throws(StoreError) {
        precondition(element == .date, "date element in a \(element) array")
        guard let day = LocalTime.day(parsing: text) else { throw .invalidValue(what: "day '\(text)' is not a YYYY-MM-DD date") }
        startElement(length: 4)
        Self.appendBigEndian(UInt32(bitPattern: Int32(day - Self.postgresEpochDay)), to: &elements)
    }

    /// The finished array as a binary parameter.
    var value: PGValue {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + elements.count)
        Self.appendBigEndian(UInt32(count > 0 ? 1 : 0), to: &bytes)
        Self.appendBigEndian(UInt32(hasNulls ? 1 : 0), to: &bytes)
        Self.appendBigEndian(UInt32(bitPattern: element.rawValue), to: &bytes)
        if count > 0 {
            Self.appendBigEndian(UInt32(bitPattern: count), to: &bytes)
            Self.appendBigEndian(UInt32(1), to: &bytes)  // lower bound
        }
        bytes.append(contentsOf: elements)
        return .binary(bytes)
    }

    private mutating func startElement(length: Int) {
        Self.appendBigEndian(UInt32(length), to: &elements)
        count += 1
    }

    private static func appendBigEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        var bigEndian = value.bigEndian
        withUnsafeBytes(of: &bigEndian) { bytes.append(contentsOf: $0) }
    }

}
