import CoachingCore
import Persistence
import WireJSON
import WSProtocol

/// The WakaTime-compatible API under `/api/` (docs/HTTP_API.md "WakaTime-compatible
/// API"): what WakaTime's plugins and command-line clients send and read, answered in
/// WakaTime's shapes (`{"error":"…"}` for failures) so that an unmodified plugin pointed at
/// Flowcoach works. Sans-I/O like ``APIRouter``: heartbeat POSTs must be run on the
/// writer's thread (they store), everything else on the API's reader thread.
public enum WakaTimeRouter {
    /// Longest request body accepted (heartbeat batches).
    public static let maxBodyBytes = HeartbeatLimits().maxBodyBytes

    /// True for every path under `/api/`; `path` excludes the query.
    public static func handles(path: Substring) -> Bool { WakaTimeRoute.handles(path: path) }

    /// Whether a request writes (runs on the writer thread, after the queued checkpoints).
    public static func writes(method: String, path: Substring) -> Bool {
        guard method == "POST", case .heartbeats? = WakaTimeRoute.match(path: path) else { return false }
        return true
    }

    /// Answers one request. Never throws: every failure is a `{"error":…}` response.
    public static func handle(_ request: APIRequest, context: APIContext) -> APIResponse {
        do {
            return try respond(request, context: context)
        } catch {
            return error.response
        }
    }

    private static func respond(_ request: APIRequest, context: APIContext) throws(WakaTimeFailure) -> APIResponse {
        let mark = request.target.firstIndex(of: "?")
        let path = request.target[..<(mark ?? request.target.endIndex)]
        guard let route = WakaTimeRoute.match(path: path) else {
            throw WakaTimeFailure(status: 404, "no WakaTime-compatible endpoint at this path (see docs/HTTP_API.md)")
        }
        guard request.method == route.method else {
            throw WakaTimeFailure(status: 405, "use \(route.method)", headers: [HTTPHeader(name: "Allow", value: route.method)])
        }
        guard request.body.count <= maxBodyBytes else { throw WakaTimeFailure(status: 413, "the body is over \(maxBodyBytes) bytes") }
        let parameters: APIQuery
        do {
            parameters = try APIQuery(parsing: mark.map { request.target[request.target.index(after: $0)...] }, allowed: route.parameters)
        } catch {
            throw WakaTimeFailure(error)
        }
        let caller = try authenticate(request, parameters, store: context.store)
        switch route {
        case .heartbeats(let user):
            try checkOwn(user, caller)
            guard caller.token.scope == .ingest else { throw WakaTimeFailure(status: 403, "storing heartbeats needs an ingest key") }
            return try WakaTimeHeartbeatEndpoint.respond(request, caller: caller, context: context)
        case .statusBarToday(let user):
            try checkOwn(user, caller)
            return try WakaTimeReadEndpoints.statusBarToday(caller, context: context)
        case .summaries(let user):
            try checkOwn(user, caller)
            return try WakaTimeReadEndpoints.summaries(caller, parameters, context: context)
        case .pluginErrors:
            // Plugins report their own crashes here; Flowcoach does not collect them.
            return APIResponse(status: 201, json: Array(#"{"data":{}}"#.utf8))
        }
    }

    private static func authenticate(_ request: APIRequest, _ parameters: APIQuery, store: any Store) throws(WakaTimeFailure) -> APICaller {
        guard let key = WakaTimeCredentials.key(authorization: request.authorization, apiKeyParameter: parameters.string("api_key")),
            !key.isEmpty
        else { throw WakaTimeFailure(status: 401, "missing API key (Authorization: Basic base64(key), Bearer, or ?api_key=)") }
        let verification: TokenAuthenticator.Verification
        do {
            verification = try TokenAuthenticator.verifyWakaTime(key, in: store)
        } catch {
            throw WakaTimeFailure(APIError(error))
        }
        switch verification {
        case .valid(let token, let user):
            return APICaller(user: user, token: token, calendar: UserCalendar(timeZoneIdentifier: user.timeZone))
        case .malformed: throw WakaTimeFailure(status: 401, "malformed API key (flowcoach token create USER --scope ingest --wakatime)")
        case .unknown: throw WakaTimeFailure(status: 401, "unknown API key")
        case .revoked: throw WakaTimeFailure(status: 401, "revoked API key")
        }
    }

    /// `{user}` in a path: `current`, or the caller's own name or id.
    private static func checkOwn(_ user: String?, _ caller: APICaller) throws(WakaTimeFailure) {
        guard let user, user != "current", user != caller.user.name, user != caller.user.id else { return }
        throw WakaTimeFailure(status: 403, "only your own data (use users/current)")
    }
}

/// A refused WakaTime-compatible request: `{"error":"…"}` with its status.
struct WakaTimeFailure: Error {
    let status: Int
    let message: String
    let headers: [HTTPHeader]

    init(status: Int, _ message: String, headers: [HTTPHeader] = []) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    /// The same status, headers and message as an API error.
    init(_ error: APIError) {
        let response = error.response
        self.init(status: response.status, error.message, headers: response.extraHeaders.filter { $0.name != "Cache-Control" })
    }

    var response: APIResponse {
        var json = JSONWriter(capacity: 128)
        json.beginObject()
        json.key("error"); json.value(string: message)
        json.endObject()
        return APIResponse(status: status, json: json.bytes, extraHeaders: headers)
    }
}
