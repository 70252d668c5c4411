public import WireJSON

/// Writes the client → server messages of PROTOCOL.md that the soak sends.
///
/// One writer per event loop, reused for every message (`JSONWriter.reset()` keeps the
/// capacity, so steady-state encoding does not allocate beyond the intervals array).
public struct ClientMessageWriter: Sendable {
    /// The JSON of the last message written.
    public private(set) var json = JSONWriter(capacity: 4096)

    public init() {}

    /// `session.start`. `id` is echoed by the answer (and by an `error` about it).
    public mutating func sessionStart(_ session: SessionKey, project: String, language: String, atMs: Int64, id: String) {
        begin("session.start", id: id)
        json.key("session"); write(session)
        json.key("project"); json.value(string: project)
        json.key("language"); json.value(string: language)
        json.key("at_ms"); json.value(atMs)
        json.endObject()
    }

    /// `activity`.
    public mutating func activity(_ session: SessionKey, _ window: ActivityWindow) {
        begin("activity", id: nil)
        json.key("session"); write(session)
        json.key("seq"); json.value(window.seq)
        json.key("at_ms"); json.value(window.atMs)
        json.key("window_ms"); json.value(window.windowMs)
        json.key("keystrokes"); json.value(window.keystrokes)
        json.key("keystroke_intervals")
        window.keystrokeIntervals.withUnsafeBufferPointer { json.value($0) }
        json.key("context_switches"); json.value(window.contextSwitches)
        json.key("error_events"); json.value(window.errorEvents)
        json.key("focus_ms"); json.value(window.focusMs)
        json.key("files_modified"); json.value(window.filesModified)
        json.key("lines_added"); json.value(window.linesAdded)
        json.key("lines_deleted"); json.value(window.linesDeleted)
        if window.fileSaved { json.key("file_saved"); json.value(true) }
        json.endObject()
    }

    /// `session.end`; `seq` is the last activity seq sent (0 when none).
    public mutating func sessionEnd(_ session: SessionKey, seq: Int64, atMs: Int64, id: String) {
        begin("session.end", id: id)
        json.key("session"); write(session)
        json.key("seq"); json.value(seq)
        json.key("at_ms"); json.value(atMs)
        json.endObject()
    }

    /// `subscribe`.
    public mutating func subscribe(_ channel: String, id: String) {
        begin("subscribe", id: id)
        json.key("channel"); json.value(string: channel)
        json.endObject()
    }

    /// `hello` with the client's description (the token travels in the upgrade header).
    public mutating func hello(clientName: String, version: String) {
        begin("hello", id: nil)
        json.key("client")
        json.beginObject()
        json.key("name"); json.value(string: clientName)
        json.key("version"); json.value(string: version)
        json.endObject()
        json.endObject()
    }

    private mutating func begin(_ type: StaticString, id: String?) {
        json.reset()
        json.beginObject()
        json.key("type"); json.value(type)
        if let id { json.key("id"); json.value(string: id) }
    }

    private mutating func write(_ session: SessionKey) {
        session.withText { json.value(utf8: $0) }
    }
}
