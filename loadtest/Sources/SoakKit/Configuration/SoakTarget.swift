/// The server endpoint parsed from `ws://HOST:PORT/PATH` or `wss://…`.
public struct SoakTarget: Sendable, Equatable {
    /// `wss`.
    public var isSecure: Bool
    /// Host as written (an IPv4 literal, `localhost` or a name).
    public var host: String
    public var port: UInt16
    /// Request target, `/v1/ws` by default.
    public var path: String

    /// Parses a URL; only what the soak needs (no user info, IPv4 or names only).
    public init(url: String) throws(ConfigurationError) {
        let rest: Substring
        if url.hasPrefix("ws://") {
            isSecure = false
            rest = url.dropFirst(5)
        } else if url.hasPrefix("wss://") {
            isSecure = true
            rest = url.dropFirst(6)
        } else {
            throw ConfigurationError("URL \(url) must start with ws:// or wss://")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        path = slash == rest.endIndex ? "/v1/ws" : String(rest[slash...])
        if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let port = UInt16(authority[authority.index(after: colon)...]), port > 0 else {
                throw ConfigurationError("URL \(url) has an invalid port")
            }
            self.port = port
        } else {
            host = String(authority)
            port = isSecure ? 443 : 80
        }
        if host.isEmpty || host.contains("@") || host.contains("[") {
            throw ConfigurationError("URL \(url): the host must be an IPv4 address or a name")
        }
    }

    /// True for 127.0.0.0/8 and `localhost`.
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `Host` header value.
    public var hostHeader: String {
        let defaultPort: UInt16 = isSecure ? 443 : 80
        return port == defaultPort ? host : "\(host):\(port)"
    }
}
