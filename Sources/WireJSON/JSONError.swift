/// Everything the reader and the access API can report. The set is closed, so every
/// throwing function of this module uses typed throws: `throws(JSONError)`.
///
/// Syntax and limit errors carry the byte offset (from the start of the payload) where
/// the reader stopped; the server answers them with `bad_json`. Access errors name the
/// field; the server answers them with `invalid_field`. ``message`` is the human text for
/// the `error` message, and ``isSyntaxError`` picks the code (one mapping to the wire).
public enum JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    // MARK: Syntax (RFC 8259)

    /// The payload ended where `expected` was required (empty input, unclosed string…).
    case unexpectedEnd(offset: Int, expected: JSONExpectation)
    /// The byte `found` at `offset` cannot start or continue `expected`.
    case unexpectedCharacter(offset: Int, found: UInt8, expected: JSONExpectation)
    /// A `,` directly before `]` or `}` (RFC 8259 §4, §5 allow none). Offset of the comma.
    case trailingComma(offset: Int)
    /// A number with a leading zero such as `01` (RFC 8259 §6). Offset of the `0`.
    case leadingZero(offset: Int)
    /// A byte below 0x20 inside a string; RFC 8259 §7 requires it to be escaped.
    case controlCharacterInString(offset: Int, byte: UInt8)
    /// A backslash not followed by one of `" \ / b f n r t u` (RFC 8259 §7).
    /// Offset of the backslash.
    case invalidEscape(offset: Int)
    /// `\u` not followed by four hex digits. Offset of the backslash.
    case invalidUnicodeEscape(offset: Int)
    /// A `\uD800`–`\uDFFF` escape that is not a high surrogate immediately followed by a
    /// low-surrogate escape. RFC 8259 §8.2 leaves such strings' behaviour unpredictable,
    /// so WireJSON rejects them: every accepted string decodes to valid UTF-8.
    /// Offset of the backslash of the unpaired escape.
    case unpairedSurrogate(offset: Int)
    /// Bytes inside a string that are not well-formed UTF-8 (RFC 8259 §8.1, RFC 3629:
    /// overlong forms, encoded surrogates and code points above U+10FFFF included).
    /// Offset of the first byte of the bad sequence.
    case invalidUTF8(offset: Int)
    /// An object repeats a member name (compared after unescaping). RFC 8259 §4 says
    /// names SHOULD be unique and that receivers disagree about duplicates; WireJSON
    /// rejects them so a proxy and the server can never read different values.
    /// Offset of the opening quote of the second occurrence.
    case duplicateKey(offset: Int, key: String)
    /// Something other than whitespace follows the top-level value (RFC 8259 §2).
    case trailingData(offset: Int)

    // MARK: Limits (RFC 8259 §9 lets a parser set them)

    /// An array or object would open deeper than ``JSONLimits/maxDepth``.
    case nestingTooDeep(offset: Int, limit: Int)
    /// The document would need more than ``JSONLimits/maxValues`` tape entries.
    case tooManyValues(offset: Int, limit: Int)
    /// The payload is longer than ``JSONLimits/maxInputBytes``.
    case inputTooLarge(byteCount: Int, limit: Int)

    // MARK: Access (field-level, after a successful parse)

    /// A required member is absent.
    case missingField(field: String)
    /// The member holds a value of another type.
    case wrongType(field: String, expected: JSONType, found: JSONType)
    /// The number does not fit the requested type (Int64, Int32, finite Double).
    case numberOutOfRange(field: String, expected: JSONType)
    /// An array has more elements than the caller's buffer holds.
    case tooManyElements(field: String, limit: Int)

    /// Byte offset for syntax and limit errors; `nil` for access errors.
    public var offset: Int? {
        switch self {
        case .unexpectedEnd(let offset, _), .unexpectedCharacter(let offset, _, _),
            .trailingComma(let offset), .leadingZero(let offset),
            .controlCharacterInString(let offset, _), .invalidEscape(let offset),
            .invalidUnicodeEscape(let offset), .unpairedSurrogate(let offset),
            .invalidUTF8(let offset), .duplicateKey(let offset, _), .trailingData(let offset),
            .nestingTooDeep(let offset, _), .tooManyValues(let offset, _):
            offset
        case .inputTooLarge: 0
        case .missingField, .wrongType, .numberOutOfRange, .tooManyElements: nil
        }
    }

    /// The field an access error is about; `nil` for syntax and limit errors.
    public var field: String? {
        switch self {
        case .missingField(let field), .wrongType(let field, _, _),
            .numberOutOfRange(let field, _), .tooManyElements(let field, _):
            field
        case .unexpectedEnd, .unexpectedCharacter, .trailingComma, .leadingZero,
            .controlCharacterInString, .invalidEscape, .invalidUnicodeEscape,
            .unpairedSurrogate, .invalidUTF8, .duplicateKey, .trailingData,
            .nestingTooDeep, .tooManyValues, .inputTooLarge:
            nil
        }
    }

    /// True for errors of the payload as a whole (answer `bad_json`); false for errors
    /// of one field (answer `invalid_field`).
    public var isSyntaxError: Bool { field == nil }

    /// A human-readable sentence that says what is wrong and where.
    public var message: String {
        switch self {
        case .unexpectedEnd(let offset, let expected):
            "unexpected end of input at byte \(offset), expected \(expected)"
        case .unexpectedCharacter(let offset, let found, let expected):
            "unexpected \(Self.describe(found)) at byte \(offset), expected \(expected)"
        case .trailingComma(let offset):
            "trailing comma at byte \(offset) is not allowed"
        case .leadingZero(let offset):
            "number at byte \(offset) has a leading zero"
        case .controlCharacterInString(let offset, let byte):
            "control character \(Self.describe(byte)) at byte \(offset) must be escaped"
        case .invalidEscape(let offset):
            "invalid escape sequence at byte \(offset)"
        case .invalidUnicodeEscape(let offset):
            "invalid \\u escape at byte \(offset), expected four hex digits"
        case .unpairedSurrogate(let offset):
            "unpaired UTF-16 surrogate escape at byte \(offset)"
        case .invalidUTF8(let offset):
            "invalid UTF-8 in string at byte \(offset)"
        case .duplicateKey(let offset, let key):
            "duplicate key \"\(key)\" at byte \(offset)"
        case .trailingData(let offset):
            "unexpected data after the JSON value at byte \(offset)"
        case .nestingTooDeep(let offset, let limit):
            "nesting deeper than \(limit) levels at byte \(offset)"
        case .tooManyValues(let offset, let limit):
            "more than \(limit) values at byte \(offset)"
        case .inputTooLarge(let byteCount, let limit):
            "payload of \(byteCount) bytes exceeds the limit of \(limit) bytes"
        case .missingField(let field):
            "missing field \"\(field)\""
        case .wrongType(let field, let expected, let found):
            "field \"\(field)\" must be \(expected), found \(found)"
        case .numberOutOfRange(let field, let expected):
            "field \"\(field)\" is out of range for \(expected)"
        case .tooManyElements(let field, let limit):
            "field \"\(field)\" has more than \(limit) elements"
        }
    }

    /// Same as ``message``.
    public var description: String { message }

    /// `'x'` for printable ASCII, `byte 0x1F` otherwise.
    private static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F {
            return "'" + String(UnicodeScalar(byte)) + "'"
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (byte < 0x10 ? "0" : "") + hex
    }
}
