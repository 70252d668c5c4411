import CoachingCore
import WSProtocol
import WireJSON

/// The HTTP API under `/v1/` (docs/HTTP_API.md): a request and a context in, a response
/// out. Sans-I/O like the rest of the server's cores: it reads only the store and the
/// leaderboard snapshots it is handed, and never blocks an event loop because the shell
/// calls it on a store reader thread.
///
/// Order of checks, so that nothing is learnt without a valid token:
/// 1. path and method (404, 405 with `Allow`) — the routes are public (docs/HTTP_API.md);
/// 2. body size (413);
/// 3. bearer token (401 with `WWW-Authenticate: Bearer`);
/// 4. query parameters (400 `invalid_field` naming the parameter);
/// 5. the resource: only the caller's own data; a team's only for its members (403).
public enum APIRouter {
    /// Longest accepted request body: no endpoint takes a body yet.
    public static let maxBodyBytes = 0

    /// True for the paths this router answers (everything under `/v1/` except the
    /// WebSocket endpoint `/v1/ws`); `path` excludes the query.
    public static func handles(path: Substring) -> Bool {
        path.hasPrefix("/v1/") && path != "/v1/ws"
    }

    /// Answers one request. Never throws: every failure is a JSON error response.
    public static func handle(_ request: APIRequest, context: APIContext) -> APIResponse {
        do {
            return try respond(request, context: context)
        } catch {
            return error.response
        }
    }

    private static func respond(_ request: APIRequest, context: APIContext) throws(APIError) -> APIResponse {
        let target = request.target
        let mark = target.firstIndex(of: "?")
        let path = target[..<(mark ?? target.endIndex)]
        let query = mark.map { target[target.index(after: $0)...] }
        let route = try APIRoute.match(method: request.method, path: path)
        guard request.body.count <= maxBodyBytes else { throw .tooLarge(limit: maxBodyBytes) }
        let caller = try APICaller.authenticate(request.bearerToken, in: context.store)
        let parameters = try APIQuery(parsing: query, allowed: route.parameters)
        switch route {
        case .me:
            return try MeEndpoint.respond(caller, store: context.store)
        case .sessions:
            return try SessionHistoryEndpoint.respond(caller, parameters, store: context.store)
        case .insights:
            return try InsightsEndpoint.respond(caller, parameters, store: context.store, nowMs: context.nowMs)
        case .days:
            return try DayHistoryEndpoint.respond(caller, parameters, store: context.store, nowMs: context.nowMs)
        case .weekReport:
            return try WeekReportEndpoint.respond(caller, parameters, store: context.store, nowMs: context.nowMs)
        case .teamAnalytics(let teamId):
            return try TeamAnalyticsEndpoint.respond(caller, teamId: teamId, parameters, store: context.store, nowMs: context.nowMs)
        case .teamWellbeing(let teamId):
            return try TeamWellbeingEndpoint.respond(caller, teamId: teamId, parameters, store: context.store, nowMs: context.nowMs)
        case .leaderboard(let period, let metric):
            return try LeaderboardEndpoint.respond(caller, period: period, metric: metric, parameters, owner: context.leaderboards)
        case .privacyExport:
            return try PrivacyEndpoints.export(caller, store: context.store, nowMs: context.nowMs)
        case .privacyData:
            return try PrivacyEndpoints.purge(caller, context: context)
        }
    }

    /// Runs a store call, mapping its failure to 503 (transient) or 500.
    static func read<T>(_ body: () throws(StoreError) -> T) throws(APIError) -> T {
        do {
            return try body()
        } catch {
            throw APIError(error)
        }
    }

    /// A 200 answer whose JSON body `write` produces.
    static func ok(extraHeaders: [HTTPHeader] = [], _ write: (inout JSONWriter) -> Void) -> APIResponse {
        var json = JSONWriter(capacity: 1024)
        write(&json)
        return APIResponse(status: 200, json: json.bytes, extraHeaders: extraHeaders)
    }
}
