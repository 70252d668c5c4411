/// The kind of a JSON value, as the access API reports it.
///
/// RFC 8259 §6 has a single number type. The access API splits it in two because the
/// server's fields are mostly integers: a number token with neither a fraction nor an
/// exponent (`12`, `-0`) is an ``integer``; one with a fraction or an exponent (`1.5`,
/// `1e3`, even `1.0`) is a ``number``. ``JSONValue/double()`` accepts both;
/// ``JSONValue/int64()`` accepts only ``integer``.
public enum JSONType: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// `null` (RFC 8259 §3).
    case null
    /// `true` or `false` (RFC 8259 §3).
    case bool
    /// A number token without fraction or exponent (RFC 8259 §6 `int` alone).
    case integer
    /// A number token with a fraction and/or an exponent (RFC 8259 §6).
    case number
    /// A string (RFC 8259 §7).
    case string
    /// An array (RFC 8259 §5).
    case array
    /// An object (RFC 8259 §4).
    case object

    /// The word used in error messages ("an integer", "a string", …).
    public var description: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer: "an integer"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
