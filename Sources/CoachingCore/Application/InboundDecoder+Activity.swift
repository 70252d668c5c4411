import FlowEngine
public import WireJSON

// The hot path: `activity`, decoded into the decoder's own window without allocating.

extension InboundDecoder {
    /// Decodes `activity` into ``window`` and returns `.activity(session:)`.
    public mutating func decodeActivity(_ object: JSONObject, nowMs: Int64) throws(AppError) -> InboundMessage {
        // Fields in PROTOCOL.md's order, which is the order clients write them: each
        // look-up then compares one member name (any order gives the same result).
        var fields = JSONMembersInOrder(object)
        let session = try JSONObject.sessionID(fields.member("session"), "session", scratch: &scratch)
        let count = limits.maximumCount
        window.seq = try JSONObject.integer(fields.member("seq"), "seq", in: 1...limits.maximumSeq)
        window.atMs = try JSONObject.instant(fields.member("at_ms"), "at_ms", limits: limits, nowMs: nowMs)
        window.windowMs = try JSONObject.integer(fields.member("window_ms"), "window_ms", in: 1...limits.maximumWindowMs)
        window.keystrokes = try JSONObject.integer(fields.member("keystrokes"), "keystrokes", in: 0...count)
        try readIntervals(fields.member("keystroke_intervals"))
        window.contextSwitches = try JSONObject.integer(fields.member("context_switches"), "context_switches", in: 0...count)
        window.errorEvents = try JSONObject.integer(fields.member("error_events"), "error_events", in: 0...count)
        window.focusMs = try JSONObject.integer(fields.member("focus_ms"), "focus_ms", in: 0...limits.maximumFocusMs)
        window.filesModified = try JSONObject.integer(fields.member("files_modified"), "files_modified", in: 0...count)
        window.linesAdded = try JSONObject.integer(fields.member("lines_added"), "lines_added", in: 0...count)
        window.linesDeleted = try JSONObject.integer(fields.member("lines_deleted"), "lines_deleted", in: 0...count)
        // Looked up in wire order, checked in the order errors have always been reported.
        let language = fields.member("language")
        window.fileSaved = try JSONObject.optionalBool(fields.member("file_saved"), "file_saved") ?? false
        window.commit = try JSONObject.optionalBool(fields.member("commit"), "commit") ?? false
        window.language = try name(language, "language", maximumBytes: limits.maximumLanguageBytes)
        return .activity(session: session)
    }

    /// Refills `window.keystrokeIntervals` from `keystroke_intervals`, in place.
    ///
    /// The count is checked against the limit from the array header before any element is
    /// read (STYLE.md: limits are enforced when the length is known).
    private mutating func readIntervals(_ member: JSONValue?) throws(AppError) {
        let array: JSONArray
        do { array = try JSONObject.required(member, "keystroke_intervals").array() } catch {
            throw JSONObject.fieldError(error, "keystroke_intervals")
        }
        guard array.count <= limits.maximumIntervals else {
            throw AppError(.tooLarge, "field \"keystroke_intervals\" has \(array.count) values; "
                + "at most \(limits.maximumIntervals) are allowed")
        }
        // Size the array first, then fill its storage in one pass (no per-element
        // uniqueness check); the capacity reserved at init makes this allocation-free.
        let count = array.count
        window.keystrokeIntervals.removeAll(keepingCapacity: true)
        window.keystrokeIntervals.append(contentsOf: repeatElement(0, count: count))
        let filled = window.keystrokeIntervals.withUnsafeMutableBufferPointer { buffer in
            Result { () throws(JSONError) -> Int in try array.int32s(into: buffer) }
        }
        if case .failure(let error) = filled {
            window.keystrokeIntervals.removeAll(keepingCapacity: true)
            throw Self.intervalError(error)
        }
        let maximum = limits.maximumIntervalMs
        var outOfRange = false
        for value in window.keystrokeIntervals { outOfRange = outOfRange || value < 0 || value > maximum }
        if outOfRange { throw Self.intervalRange(window.keystrokeIntervals, maximum) }
    }

    /// An optional short name (`language`, `project`), interned; `nil` when absent, `null`
    /// or empty.
    public mutating func name(_ object: JSONObject, _ key: StaticString, maximumBytes: Int) throws(AppError) -> String? {
        try name(object[key], key, maximumBytes: maximumBytes)
    }

    /// The same for a member already looked up (`nil`: absent).
    public mutating func name(_ member: JSONValue?, _ key: StaticString, maximumBytes: Int) throws(AppError) -> String? {
        guard let view = try JSONObject.optionalText(member, key, maximumBytes: maximumBytes) else { return nil }
        // RFC 8259 forbids raw control characters in strings, so only the escaped path
        // (`\u0001`) can carry them.
        if let plain = view.unescapedUTF8 { return names.string(utf8: plain) }
        scratch.removeAll(keepingCapacity: true)
        view.appendUTF8(to: &scratch)
        if scratch.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw .invalidField("\(key)", "must not contain control characters (U+0000–U+001F, U+007F)")
        }
        return scratch.withUnsafeBytes { names.string(utf8: $0) }
    }

    /// An element that is not an integer within Int32, named by its position.
    @inline(never)
    public static func intervalError(_ error: JSONError) -> AppError {
        let field = error.field ?? "keystroke_intervals"
        return switch error {
        case .wrongType(_, _, let found):
            .invalidField(field, "must be an integer number of ms, found \(found)")
        case .numberOutOfRange:
            .invalidField(field, "is out of range (0 to 3600000 ms)")
        default:
            AppError(error)
        }
    }

    /// The first interval outside 0…`maximum`, named by its position.
    @inline(never)
    public static func intervalRange(_ values: [Int32], _ maximum: Int32) -> AppError {
        let position = values.firstIndex { $0 < 0 || $0 > maximum } ?? 0
        let value = values.isEmpty ? 0 : values[position]
        return .invalidField("keystroke_intervals[\(position)]", "must be between 0 and \(maximum) ms, got \(value)")
    }
}
