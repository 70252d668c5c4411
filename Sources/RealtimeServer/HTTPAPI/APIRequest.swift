import CoachingCore
public import WSProtocol

/// One HTTP request under `/v1/`, as the event loop hands it to ``APIRouter``: plain values,
/// so the router runs on any thread and tests need no sockets.
public struct APIRequest: Sendable {
    /// The method token, case-sensitive (`GET`, `DELETE`).
    public var method: String
    /// The request target as sent: origin-form path plus an optional `?query`.
    public var target: String
    /// The credentials of `Authorization: Bearer <token>`; nil when there was no
    /// `Authorization` header.
    public var bearerToken: String?
    /// The request body (only the WakaTime-compatible heartbeat routes take one).
    public var body: [UInt8]
    /// The raw `Authorization` value (WakaTime clients send `Basic base64(key)`).
    public var authorization: String?
    /// `User-Agent` (a WakaTime plugin names its editor there) and `X-Machine-Name`.
    public var userAgent: String?
    public var machineName: String?

    public init(
        method: String, target: String, bearerToken: String?, body: [UInt8] = [], authorization: String? = nil,
        userAgent: String? = nil, machineName: String? = nil
    ) {
        self.method = method
        self.target = target
        self.bearerToken = bearerToken
        self.body = body
        self.authorization = authorization
        self.userAgent = userAgent
        self.machineName = machineName
    }

    /// Builds the request from a parsed head.
    ///
    /// RFC 6750 §2.1: `Authorization: Bearer <token>`, the scheme compared
    /// case-insensitively (RFC 7235 §2.1). An `Authorization` header that is repeated or
    /// uses another scheme is kept verbatim as the token, so it is refused as malformed
    /// rather than treated as missing.
    public init(head: HTTPRequestHead, body: [UInt8] = []) {
        let authorization = head.values(forName: "Authorization")
        self.init(
            method: head.method, target: head.target, bearerToken: Self.bearerToken(in: head), body: body,
            authorization: authorization.count == 1 ? authorization.first : nil,
            userAgent: head.firstValue(forName: "User-Agent"), machineName: head.firstValue(forName: "X-Machine-Name"))
    }

    static func bearerToken(in head: HTTPRequestHead) -> String? {
        let values = head.values(forName: "Authorization")
        guard let value = values.first else { return nil }
        guard values.count == 1 else { return values.joined(separator: ",") }
        let scheme = "bearer "
        guard value.utf8.count > scheme.utf8.count,
            HeaderGrammar.equalsIgnoringCase(value.prefix(scheme.count), scheme)
        else { return value }
        // Tolerate extra spaces between the scheme and the token (1*SP in RFC 7235).
        return String(value.dropFirst(scheme.count).drop { $0 == " " })
    }
}
