import CoachingCore
/// The endpoints under `/v1/` (docs/HTTP_API.md), matched from a method and a path.
///
/// ```
/// GET    /v1/me
/// GET    /v1/sessions?from&to&limit&before
/// GET    /v1/insights?days
/// GET    /v1/days?days
/// GET    /v1/reports/week?week&format
/// GET    /v1/teams/<team_id>/analytics?days
/// GET    /v1/teams/<team_id>/wellbeing?days
/// GET    /v1/leaderboards/<day|week|month>/<coding_time|flow_time>?language
/// GET    /v1/privacy/export
/// DELETE /v1/privacy/data
/// ```
enum APIRoute: Hashable, Sendable {
    case me
    case sessions
    case insights
    case days
    case weekReport
    case teamAnalytics(teamId: String)
    case teamWellbeing(teamId: String)
    case leaderboard(LeaderboardChannel.Period, LeaderboardChannel.Metric)
    case privacyExport
    case privacyData

    /// Longest team id accepted in a path (ids are 36-byte UUIDs).
    static let maxTeamIdBytes = 64

    /// The method each route answers.
    var method: String {
        switch self {
        case .me, .sessions, .insights, .days, .weekReport, .teamAnalytics, .teamWellbeing, .leaderboard, .privacyExport: "GET"
        case .privacyData: "DELETE"
        }
    }

    /// The query parameters the route accepts (anything else is a 400).
    var parameters: Set<String> {
        switch self {
        case .sessions: ["from", "to", "limit", "before"]
        case .insights, .teamAnalytics, .teamWellbeing, .days: ["days"]
        case .weekReport: ["week", "format"]
        case .leaderboard: ["language"]
        case .me, .privacyExport, .privacyData: []
        }
    }

    /// The route of `path` (no query) for `method`: `.notFound` for an unknown path,
    /// `.methodNotAllowed` for a known path and another method.
    static func match(method: String, path: Substring) throws(APIError) -> APIRoute {
        let route = try match(path: path)
        guard method == route.method else { throw .methodNotAllowed(allowed: [route.method]) }
        return route
    }

    private static func match(path: Substring) throws(APIError) -> APIRoute {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        // "/v1/x" splits into ["", "v1", "x"]; an empty segment anywhere else (a double or
        // trailing slash) matches nothing.
        guard segments.count >= 3, segments[0].isEmpty, segments[1] == "v1", !segments.dropFirst().contains(where: \.isEmpty)
        else { throw notFound(path) }
        switch (segments[2], segments.count) {
        case ("me", 3): return .me
        case ("sessions", 3): return .sessions
        case ("insights", 3): return .insights
        case ("days", 3): return .days
        case ("reports", 4) where segments[3] == "week": return .weekReport
        case ("privacy", 4) where segments[3] == "export": return .privacyExport
        case ("privacy", 4) where segments[3] == "data": return .privacyData
        case ("teams", 5) where segments[4] == "analytics" || segments[4] == "wellbeing":
            guard let teamId = PercentDecoding.decode(segments[3]), teamId.utf8.count <= maxTeamIdBytes else {
                throw .notFound("no such team")
            }
            return segments[4] == "analytics" ? .teamAnalytics(teamId: teamId) : .teamWellbeing(teamId: teamId)
        case ("leaderboards", 5):
            guard let period = LeaderboardChannel.Period(rawValue: String(segments[3])) else {
                throw .notFound("no leaderboard period '\(printable(segments[3]))' (use day, week or month)")
            }
            guard let metric = LeaderboardChannel.Metric(rawValue: String(segments[4])) else {
                throw .notFound("no leaderboard metric '\(printable(segments[4]))' (use coding_time or flow_time)")
            }
            return .leaderboard(period, metric)
        default:
            throw notFound(path)
        }
    }

    private static func notFound(_ path: Substring) -> APIError {
        .notFound("no API endpoint at \(printable(path)) (see docs/HTTP_API.md)")
    }

    /// A path fragment safe to echo in a message: at most 80 bytes, anything but visible
    /// ASCII shown as `?`.
    private static func printable(_ text: Substring) -> String {
        let bytes = text.utf8.prefix(80).map { (0x21...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }
        return String(decoding: bytes, as: UTF8.self) + (text.utf8.count > 80 ? "…" : "")
    }
}
