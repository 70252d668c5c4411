import FlowEngine
import WireJSON

// The hot path: `activity`, decoded into the decoder's own window without allocating.

extension InboundDecoder {
    /// Decodes `activity` into ``window`` and returns `.activity(session:)`.
    mutating func decodeActivity(_ object: JSONObject, nowMs: Int64) throws(AppError) -> InboundMessage {
        let session = try object.sessionID("session", scratch: &scratch)
        let count = limits.maximumCount
        window.seq = try object.integer("seq", in: 1...limits.maximumSeq)
        window.atMs = try object.instant("at_ms", limits: limits, nowMs: nowMs)
        window.windowMs = try object.integer("window_ms", in: 1...limits.maximumWindowMs)
        window.keystrokes = try object.integer("keystrokes", in: 0...count)
        try readIntervals(object)
        window.contextSwitches = try object.integer("context_switches", in: 0...count)
        window.errorEvents = try object.integer("error_events", in: 0...count)
        window.focusMs = try object.integer("focus_ms", in: 0...limits.maximumFocusMs)
        window.filesModified = try object.integer("files_modified", in: 0...count)
        window.linesAdded = try object.integer("lines_added", in: 0...count)
        window.linesDeleted = try object.integer("lines_deleted", in: 0...count)
        window.fileSaved = try object.optionalBool("file_saved") ?? false
        window.commit = try object.optionalBool("commit") ?? false
        window.language = try name(object, "language", maximumBytes: limits.maximumLanguageBytes)
        return .activity(session: session)
    }

    /// Refills `window.keystrokeIntervals` from `keystroke_intervals`, in place.
    ///
    /// The count is checked against the limit from the array header before any element is
    /// read (STYLE.md: limits are enforced when the length is known).
    private mutating func readIntervals(_ object: JSONObject) throws(AppError) {
        let array: JSONArray
        do { array = try object.array("keystroke_intervals") } catch {
            throw JSONObject.fieldError(error, "keystroke_intervals")
        }
        guard array.count <= limits.maximumIntervals else {
            throw AppError(.tooLarge, "field \"keystroke_intervals\" has \(array.count) values; "
                + "at most \(limits.maximumIntervals) are allowed")
        }
        let maximum = limits.maximumIntervalMs
        window.keystrokeIntervals.removeAll(keepingCapacity: true)
        var position = 0
        for element in array {
            let value: Int64
            do { value = try element.int64() } catch { throw Self.intervalError(error, position) }
            guard value >= 0 && value <= Int64(maximum) else {
                throw Self.intervalRange(position, value, maximum)
            }
            window.keystrokeIntervals.append(Int32(truncatingIfNeeded: value))
            position += 1
        }
    }

    /// An optional short name (`language`, `project`), interned; `nil` when absent, `null`
    /// or empty.
    mutating func name(_ object: JSONObject, _ key: StaticString, maximumBytes: Int) throws(AppError) -> String? {
        guard let view = try object.optionalText(key, maximumBytes: maximumBytes) else { return nil }
        if let plain = view.unescapedUTF8 { return names.string(utf8: plain) }
        scratch.removeAll(keepingCapacity: true)
        view.appendUTF8(to: &scratch)
        return scratch.withUnsafeBytes { names.string(utf8: $0) }
    }

    @inline(never)
    static func intervalError(_ error: JSONError, _ position: Int) -> AppError {
        switch error {
        case .wrongType(_, _, let found):
            .invalidField("keystroke_intervals[\(position)]", "must be an integer, found \(found)")
        default:
            .invalidField("keystroke_intervals[\(position)]", "is out of range for a 64-bit integer")
        }
    }

    @inline(never)
    static func intervalRange(_ position: Int, _ value: Int64, _ maximum: Int32) -> AppError {
        .invalidField("keystroke_intervals[\(position)]", "must be between 0 and \(maximum) ms, got \(value)")
    }
}
