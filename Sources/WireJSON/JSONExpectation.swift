/// What the reader expected at the byte where it stopped, carried by syntax errors.
///
/// Each case names a production of the RFC 8259 grammar (or a token of it) so the
/// server's `bad_json` message can say what to fix: "expected ':' after an object key".
public enum JSONExpectation: Sendable, Hashable, CustomStringConvertible {
    /// Any value: object, array, string, number, `true`, `false` or `null` (§3).
    case value
    /// A string that names an object member (§4).
    case objectKey
    /// The name-separator `:` after a key (§4).
    case colon
    /// The value-separator `,` or the end-object `}` (§4).
    case commaOrObjectEnd
    /// The value-separator `,` or the end-array `]` (§5).
    case commaOrArrayEnd
    /// A decimal digit inside a number (§6).
    case digit
    /// Four hexadecimal digits after `\u` (§7).
    case hexDigit
    /// The closing quotation mark of a string (§7).
    case closingQuote
    /// The rest of the literal `true` (§3).
    case trueLiteral
    /// The rest of the literal `false` (§3).
    case falseLiteral
    /// The rest of the literal `null` (§3).
    case nullLiteral

    /// A phrase for error messages ("a value", "':'", …).
    public var description: String {
        switch self {
        case .value: "a value (object, array, string, number, true, false or null)"
        case .objectKey: "a string key"
        case .colon: "':' after the object key"
        case .commaOrObjectEnd: "',' or '}'"
        case .commaOrArrayEnd: "',' or ']'"
        case .digit: "a digit"
        case .hexDigit: "four hex digits after \\u"
        case .closingQuote: "the closing '\"' of the string"
        case .trueLiteral: "the literal true"
        case .falseLiteral: "the literal false"
        case .nullLiteral: "the literal null"
        }
    }
}
