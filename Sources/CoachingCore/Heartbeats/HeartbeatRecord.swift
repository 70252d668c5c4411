/// One WakaTime heartbeat as Flowcoach keeps it: what the editor was doing at one instant.
///
/// Absent optional fields are stored as empty strings, so the dedupe key (entity, time,
/// type, project, branch, language, is_write) is a plain composite key in both stores
/// (SQL `NULL`s would never compare equal and would let duplicates in).
public struct HeartbeatRecord: Sendable, Hashable, Codable {
    /// Client time, milliseconds since the epoch (WakaTime sends seconds with a fraction).
    public var timeMs: Int64
    /// File path, domain or app name.
    public var entity: String
    /// `file`, `domain`, `app` or `url`.
    public var type: String
    /// WakaTime category (`coding` when the client sent none).
    public var category: String
    public var project: String
    public var branch: String
    public var language: String
    public var isWrite: Bool
    /// The editor, from the plugin's user agent (`vscode`, `vim`, …); empty when unknown.
    public var editor: String
    /// The machine name (`X-Machine-Name`); empty when not sent.
    public var machine: String

    public init(
        timeMs: Int64, entity: String, type: String = "file", category: String = "coding", project: String = "",
        branch: String = "", language: String = "", isWrite: Bool = false, editor: String = "", machine: String = ""
    ) {
        self.timeMs = timeMs
        self.entity = entity
        self.type = type
        self.category = category
        self.project = project
        self.branch = branch
        self.language = language
        self.isWrite = isWrite
        self.editor = editor
        self.machine = machine
    }

    /// The fields that make two heartbeats the same one (WakaTime's own rule): a plugin
    /// that re-sends a heartbeat, or a queue replayed twice, counts once.
    public var dedupeKey: DedupeKey {
        DedupeKey(entity: entity, timeMs: timeMs, type: type, project: project, branch: branch, language: language, isWrite: isWrite)
    }

    public struct DedupeKey: Sendable, Hashable {
        public var entity: String
        public var timeMs: Int64
        public var type: String
        public var project: String
        public var branch: String
        public var language: String
        public var isWrite: Bool
    }
}

/// A half-open span of time `[startMs, endMs)`.
public struct TimeSpan: Sendable, Hashable, Codable {
    public var startMs: Int64
    public var endMs: Int64

    public init(startMs: Int64, endMs: Int64) {
        self.startMs = startMs
        self.endMs = endMs
    }

    public var durationMs: Int64 { max(0, endMs - startMs) }
}
