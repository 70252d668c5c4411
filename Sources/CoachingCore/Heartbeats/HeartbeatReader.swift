import WireJSON

/// Reads one heartbeat object into a ``HeartbeatRecord``, or says which field is wrong.
///
/// Fields (WakaTime's heartbeat schema): `entity` (required string), `time` (required
/// number, seconds since the epoch), `type` (`file`, `domain`, `app`, `url`; default
/// `file`), `category` (WakaTime's list; default `coding`), `project`, `branch`,
/// `language`, `user_agent` (strings), `is_write` (boolean), `lines`, `lineno`,
/// `cursorpos`, `line_additions`, `line_deletions`, `project_root_count` (non-negative
/// integers), `dependencies` (array of strings). Each may be `null`. Other members are
/// ignored: the plugins add fields over time, and refusing them would lose coding time.
struct HeartbeatReader {
    let limits: HeartbeatLimits
    let requestEditor: String
    let machine: String
    let nowMs: Int64

    static let types: Set<String> = ["file", "domain", "app", "url"]
    static let categories: Set<String> = [
        "coding", "building", "indexing", "debugging", "browsing", "running tests", "writing tests", "manual testing",
        "writing docs", "communicating", "code reviewing", "notes", "researching", "learning", "designing", "ai coding",
        "meeting", "planning", "supporting", "translating", "advising",
    ]

    /// A field that failed, with the reason the client sees.
    struct Refusal: Error {
        let reason: String
    }

    func read(_ value: JSONValue) -> HeartbeatBatch.Item {
        do {
            return .accepted(try record(value))
        } catch {
            return .rejected(reason: error.reason)
        }
    }

    private func record(_ value: JSONValue) throws(Refusal) -> HeartbeatRecord {
        guard value.type == .object, let object = try? value.object() else {
            throw Refusal(reason: "a heartbeat must be a JSON object")
        }
        guard let entity = try text(object, "entity", limit: limits.maxEntityBytes), !entity.isEmpty else {
            throw Refusal(reason: "entity: required, a non-empty string")
        }
        let timeMs = try time(object)
        let type = try text(object, "type", limit: 16) ?? "file"
        guard Self.types.contains(type) else { throw Refusal(reason: "type: must be file, domain, app or url") }
        let category = try text(object, "category", limit: limits.maxNameBytes) ?? "coding"
        guard Self.categories.contains(category) else { throw Refusal(reason: "category: '\(category)' is not a WakaTime category") }
        let isWrite: Bool
        switch object["is_write"] {
        case nil: isWrite = false
        case let flag? where flag.isNull: isWrite = false
        case let flag?:
            guard let parsed = try? flag.bool() else { throw Refusal(reason: "is_write: must be a boolean") }
            isWrite = parsed
        }
        for field: StaticString in ["lines", "lineno", "cursorpos", "line_additions", "line_deletions", "project_root_count"] {
            try count(object, field)
        }
        try dependencies(object)
        let agent = try text(object, "user_agent", limit: 512)
        return HeartbeatRecord(
            timeMs: timeMs, entity: entity, type: type, category: category,
            project: try text(object, "project", limit: limits.maxNameBytes) ?? "",
            branch: try text(object, "branch", limit: limits.maxNameBytes) ?? "",
            language: try text(object, "language", limit: limits.maxNameBytes) ?? "",
            isWrite: isWrite, editor: agent.map(Self.editor(fromUserAgent:)) ?? requestEditor, machine: machine)
    }

    private func time(_ object: JSONObject) throws(Refusal) -> Int64 {
        guard let member = object["time"], !member.isNull else { throw Refusal(reason: "time: required, seconds since the epoch") }
        guard let seconds = try? member.double(), seconds.isFinite else { throw Refusal(reason: "time: must be a number of seconds") }
        let ms = (seconds * 1000).rounded()
        guard ms >= Double(limits.earliestMs), ms <= Double(nowMs + limits.maxFutureMs) else {
            throw Refusal(reason: "time: \(seconds) is outside 2000-01-01 … now + 1 day")
        }
        return Int64(ms)
    }

    /// An optional string member: nil when absent or null.
    private func text(_ object: JSONObject, _ field: StaticString, limit: Int) throws(Refusal) -> String? {
        guard let member = object[field], !member.isNull else { return nil }
        guard let string = try? member.ownedString() else { throw Refusal(reason: "\(field): must be a string") }
        guard let cleaned = Self.clean(string, limit: limit) else {
            throw Refusal(reason: "\(field): at most \(limit) bytes, no control characters")
        }
        return cleaned
    }

    private func count(_ object: JSONObject, _ field: StaticString) throws(Refusal) {
        guard let member = object[field], !member.isNull else { return }
        guard let number = try? member.int64(), number >= 0 else {
            throw Refusal(reason: "\(field): must be a non-negative integer")
        }
    }

    private func dependencies(_ object: JSONObject) throws(Refusal) {
        guard let member = object["dependencies"], !member.isNull else { return }
        guard let list = try? member.array(), list.count <= 1_000 else {
            throw Refusal(reason: "dependencies: must be an array of at most 1000 strings")
        }
        for element in list where element.type != .string {
            throw Refusal(reason: "dependencies: must contain strings only")
        }
    }

    /// `text` if it is short enough and has no control characters.
    static func clean(_ text: String?, limit: Int) -> String? {
        guard let text, text.utf8.count <= limit, !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        return text
    }

    /// The editor in a plugin's user agent: `vscode` in
    /// `wakatime/v1.90.0 (linux-…) go1.21 vscode/1.80.0 vscode-wakatime/24.2.0`. Empty when
    /// no `<editor>-wakatime/` token is there.
    static func editor(fromUserAgent agent: String) -> String {
        for token in agent.split(separator: " ") {
            guard let range = token.firstRange(of: "-wakatime/"), range.lowerBound > token.startIndex else { continue }
            return String(token[..<range.lowerBound].prefix(64)).lowercased()
        }
        return ""
    }
}
