public import WireJSON

// Field getters that validate a value's range as well as its type and report failures as
// `AppError`s naming the field. Messages are built only on the error path.

extension JSONObject {
    /// A required integer within `range`.
    public func integer(_ key: StaticString, in range: ClosedRange<Int64>) throws(AppError) -> Int64 {
        try Self.integer(self[key], key, in: range)
    }

    /// A required `at_ms`: not before `earliest`, not more than `futureMs` after `nowMs`.
    public func instant(_ key: StaticString, limits: InboundLimits, nowMs: Int64) throws(AppError) -> Int64 {
        try Self.instant(self[key], key, limits: limits, nowMs: nowMs)
    }

    /// An optional boolean (`nil` when absent or `null`).
    public func optionalBool(_ key: StaticString) throws(AppError) -> Bool? {
        try Self.optionalBool(self[key], key)
    }

    /// A required string, borrowed, of 1…`maximumBytes` UTF-8 bytes.
    public func text(_ key: StaticString, maximumBytes: Int) throws(AppError) -> JSONStringView {
        try Self.text(self[key], key, maximumBytes: maximumBytes)
    }

    /// An optional string of at most `maximumBytes`; `nil` when absent, `null` or empty.
    public func optionalText(_ key: StaticString, maximumBytes: Int) throws(AppError) -> JSONStringView? {
        try Self.optionalText(self[key], key, maximumBytes: maximumBytes)
    }

    /// A required session id in canonical UUID form.
    public func sessionID(_ key: StaticString, scratch: inout [UInt8]) throws(AppError) -> SessionID {
        try Self.sessionID(self[key], key, scratch: &scratch)
    }

    // MARK: The same rules on a member already looked up (`nil`: absent)

    /// A required integer within `range`.
    public static func integer(_ member: JSONValue?, _ key: StaticString, in range: ClosedRange<Int64>) throws(AppError) -> Int64 {
        let value: Int64
        do { value = try required(member, key).int64() } catch { throw fieldError(error, key) }
        guard range.contains(value) else { throw outOfRange(key, range, value) }
        return value
    }

    /// A required `at_ms`: not before `earliest`, not more than `futureMs` after `nowMs`.
    public static func instant(_ member: JSONValue?, _ key: StaticString, limits: InboundLimits, nowMs: Int64) throws(AppError) -> Int64 {
        let value: Int64
        do { value = try required(member, key).int64() } catch { throw fieldError(error, key) }
        guard value >= limits.earliestAtMs else {
            throw .invalidField("\(key)", "must be ms since the epoch after 2020-01-01 (\(limits.earliestAtMs)), got \(value)")
        }
        let (latest, overflow) = nowMs.addingReportingOverflow(limits.maximumFutureMs)
        guard overflow || value <= latest else {
            throw .invalidField("\(key)", "is more than \(limits.maximumFutureMs / 3_600_000) h ahead of the server clock (\(nowMs)), got \(value)")
        }
        return value
    }

    /// An optional boolean (`nil` when absent or `null`).
    public static func optionalBool(_ member: JSONValue?, _ key: StaticString) throws(AppError) -> Bool? {
        guard let member, !member.isNull else { return nil }
        do { return try member.bool() } catch { throw fieldError(error, key) }
    }

    /// A required string, borrowed, of 1…`maximumBytes` UTF-8 bytes.
    public static func text(_ member: JSONValue?, _ key: StaticString, maximumBytes: Int) throws(AppError) -> JSONStringView {
        let view: JSONStringView
        do { view = try required(member, key).string() } catch { throw fieldError(error, key) }
        try checkLength(view, key, maximumBytes: maximumBytes, allowEmpty: false)
        return view
    }

    /// An optional string of at most `maximumBytes`; `nil` when absent, `null` or empty.
    public static func optionalText(_ member: JSONValue?, _ key: StaticString, maximumBytes: Int) throws(AppError) -> JSONStringView? {
        guard let member, !member.isNull else { return nil }
        let view: JSONStringView
        do { view = try member.string() } catch { throw fieldError(error, key) }
        guard view.utf8Count > 0 else { return nil }
        try checkLength(view, key, maximumBytes: maximumBytes, allowEmpty: true)
        return view
    }

    /// A required session id in canonical UUID form.
    public static func sessionID(_ member: JSONValue?, _ key: StaticString, scratch: inout [UInt8]) throws(AppError) -> SessionID {
        let view = try text(member, key, maximumBytes: SessionID.textLength)
        let id = view.withUTF8(scratch: &scratch) { SessionID(utf8: $0) }
        guard let id else {
            throw .invalidField("\(key)", "must be a UUID like 123e4567-e89b-12d3-a456-426614174000")
        }
        return id
    }

    /// `member`, or ``JSONError/missingField(field:)`` naming `key`.
    @inline(__always)
    static func required(_ member: JSONValue?, _ key: StaticString) throws(JSONError) -> JSONValue {
        guard let member else { throw .missingField(field: "\(key)") }
        return member
    }

    // MARK: Error messages (cold)

    /// Maps a getter's `JSONError` to an `AppError` naming `key`.
    @inline(never)
    public static func fieldError(_ error: JSONError, _ key: StaticString) -> AppError {
        switch error {
        case .missingField:
            .invalidField("\(key)", "is required")
        case .wrongType(_, let expected, let found):
            .invalidField("\(key)", "must be \(expected), found \(found)")
        case .numberOutOfRange(_, let expected):
            .invalidField("\(key)", "is out of range for \(expected) (64-bit signed)")
        default:
            AppError(error)
        }
    }

    @inline(never)
    public static func outOfRange(_ key: StaticString, _ range: ClosedRange<Int64>, _ value: Int64) -> AppError {
        if range.upperBound == .max || range.upperBound >= 1 << 53 {
            return .invalidField("\(key)", "must be at least \(range.lowerBound), got \(value)")
        }
        return .invalidField("\(key)", "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
    }

    public static func checkLength(_ view: JSONStringView, _ key: StaticString, maximumBytes: Int,
                            allowEmpty: Bool) throws(AppError) {
        if view.utf8Count > maximumBytes {
            throw .invalidField("\(key)", "must be at most \(maximumBytes) bytes, got \(view.utf8Count)")
        }
        if !allowEmpty && view.utf8Count == 0 {
            throw .invalidField("\(key)", "must not be empty")
        }
    }
}
