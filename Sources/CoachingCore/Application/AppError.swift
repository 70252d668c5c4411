public import WireJSON

/// A rejected request: what the `error` message carries (`code`, `message`, `ref`).
///
/// Building one allocates its message, which is fine: errors are the cold path. The
/// message says which field is wrong and what to send instead
/// (`field "window_ms" must be between 1 and 3600000, got 0`).
public struct AppError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable code.
    public var code: AppErrorCode
    /// A human-readable sentence naming the field and what to fix.
    public var message: String
    /// The request's `id`, when it could be read; echoed as `ref`.
    public var ref: RequestID?

    /// Creates an error.
    public init(_ code: AppErrorCode, _ message: String, ref: RequestID? = nil) {
        self.code = code
        self.message = message
        self.ref = ref
    }

    /// `invalid_field` naming `field`, with `problem` completing the sentence
    /// (`field "seq" must be at least 1, got 0`).
    public static func invalidField(_ field: String, _ problem: String) -> AppError {
        AppError(.invalidField, "field \"\(field)\" \(problem)")
    }

    /// Maps a WireJSON error to the wire: one switch, so every parser outcome has exactly
    /// one code. Syntax errors become `bad_json`; limit errors `too_large`; field access
    /// errors `invalid_field` with the field named.
    public init(_ error: JSONError) {
        switch error {
        case .unexpectedEnd, .unexpectedCharacter, .trailingComma, .leadingZero,
            .controlCharacterInString, .invalidEscape, .invalidUnicodeEscape,
            .unpairedSurrogate, .invalidUTF8, .duplicateKey, .trailingData:
            self.init(.badJSON, "malformed JSON: \(error.message)")
        case .nestingTooDeep, .tooManyValues, .inputTooLarge:
            self.init(.tooLarge, "message too large: \(error.message)")
        case .wrongType(let field, _, _) where field == "$":
            self.init(.badJSON, "the message must be a JSON object")
        case .missingField, .wrongType, .numberOutOfRange:
            self.init(.invalidField, error.message)
        case .tooManyElements(let field, let limit):
            self.init(.tooLarge, "field \"\(field)\" has more than \(limit) elements")
        }
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
