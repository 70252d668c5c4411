/// Heartbeat time of one user on one local day, with WakaTime's breakdowns.
public struct HeartbeatDayTotals: Sendable, Hashable, Codable {
    /// `YYYY-MM-DD` in the user's time zone.
    public var day: String
    public var activeMs: Int64
    /// Keys as stored: an empty string is "unknown" (no language, project, …).
    public var languageMs: [String: Int64]
    public var projectMs: [String: Int64]
    public var editorMs: [String: Int64]
    public var machineMs: [String: Int64]
    public var categoryMs: [String: Int64]

    public init(
        day: String, activeMs: Int64 = 0, languageMs: [String: Int64] = [:], projectMs: [String: Int64] = [:],
        editorMs: [String: Int64] = [:], machineMs: [String: Int64] = [:], categoryMs: [String: Int64] = [:]
    ) {
        self.day = day
        self.activeMs = activeMs
        self.languageMs = languageMs
        self.projectMs = projectMs
        self.editorMs = editorMs
        self.machineMs = machineMs
        self.categoryMs = categoryMs
    }

    mutating func add(_ ms: Int64, for heartbeat: HeartbeatRecord) {
        activeMs += ms
        languageMs[heartbeat.language, default: 0] += ms
        projectMs[heartbeat.project, default: 0] += ms
        editorMs[heartbeat.editor, default: 0] += ms
        machineMs[heartbeat.machine, default: 0] += ms
        categoryMs[heartbeat.category, default: 0] += ms
    }
}
