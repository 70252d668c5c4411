/// The WakaTime-compatible endpoints (docs/HTTP_API.md "WakaTime-compatible API"), under
/// `/api/` and under `/api/compat/wakatime/` (Wakapi's prefix), each with or without `v1/`:
///
/// ```
/// POST /api/heartbeat | /api/heartbeats | /api/heartbeats.bulk
/// POST /api/v1/users/{current|me}/heartbeats[.bulk]
/// GET  /api/v1/users/{user}/statusbar/today
/// GET  /api/v1/users/{user}/summaries?start&end
/// POST /api/v1/plugins/errors
/// ```
///
/// `{user}` is `current` or the caller's own name or id.
enum WakaTimeRoute: Hashable, Sendable {
    case heartbeats(user: String?)
    case statusBarToday(user: String)
    case summaries(user: String)
    case pluginErrors

    var method: String {
        switch self {
        case .heartbeats, .pluginErrors: "POST"
        case .statusBarToday, .summaries: "GET"
        }
    }

    var parameters: Set<String> {
        switch self {
        case .heartbeats, .pluginErrors, .statusBarToday: ["api_key"]
        case .summaries: ["api_key", "start", "end", "range", "timezone", "project", "branches", "timeout", "writes_only"]
        }
    }

    /// True for every path under `/api/` (they are all answered by ``WakaTimeRouter``).
    static func handles(path: Substring) -> Bool { path.hasPrefix("/api/") }

    /// The route for `path` (no query); nil when no compat endpoint is there.
    static func match(path: Substring) -> WakaTimeRoute? {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard segments.first == "api", !segments.contains(where: \.isEmpty) else { return nil }
        segments = segments.dropFirst()
        if segments.starts(with: ["compat", "wakatime"]) { segments = segments.dropFirst(2) }
        if segments.first == "v1" { segments = segments.dropFirst() }
        let parts = Array(segments)
        switch parts.count {
        case 1 where ["heartbeat", "heartbeats", "heartbeats.bulk"].contains(parts[0]):
            return .heartbeats(user: nil)
        case 2 where parts == ["plugins", "errors"]:
            return .pluginErrors
        case 3 where parts[0] == "users" && (parts[2] == "heartbeats" || parts[2] == "heartbeats.bulk"):
            return .heartbeats(user: String(parts[1]))
        case 3 where parts[0] == "users" && parts[2] == "summaries":
            return .summaries(user: String(parts[1]))
        case 4 where parts[0] == "users" && parts[2] == "statusbar" && parts[3] == "today":
            return .statusBarToday(user: String(parts[1]))
        default:
            return nil
        }
    }
}
