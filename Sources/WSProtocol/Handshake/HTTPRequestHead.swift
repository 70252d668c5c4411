/// One header field as received: the name as sent, the value without surrounding whitespace.
public struct HTTPHeader: Sendable, Hashable {
    /// Field name (a token; compare case-insensitively).
    public var name: String
    /// Field value with leading and trailing OWS removed.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The HTTP version of the request line, `HTTP/<major>.<minor>`.
public struct HTTPVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Major digit.
    public var major: Int
    /// Minor digit.
    public var minor: Int

    /// Creates a version.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// HTTP/1.1, the version a WebSocket upgrade requires at least.
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)

    public static func < (lhs: HTTPVersion, rhs: HTTPVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    public var description: String { "HTTP/\(major).\(minor)" }
}

/// A parsed HTTP/1.x request line and header section (RFC 7230 §3).
public struct HTTPRequestHead: Sendable, Hashable {
    /// The method token, case-sensitive (`GET`).
    public var method: String
    /// The request target as sent (origin-form `/path?query` for a WebSocket upgrade).
    public var target: String
    /// The protocol version.
    public var version: HTTPVersion
    /// The header fields in order of arrival.
    public var headers: [HTTPHeader]

    /// Creates a head (tests, the soak client).
    public init(method: String, target: String, version: HTTPVersion = .http1_1, headers: [HTTPHeader]) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// Every value of the fields named `name` (ASCII case-insensitive), in order.
    public func values(forName name: String) -> [String] {
        headers.filter { HeaderGrammar.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    /// The first value of the field named `name`, if any.
    public func firstValue(forName name: String) -> String? {
        headers.first { HeaderGrammar.equalsIgnoringCase($0.name, name) }?.value
    }

    /// The target without its query (`/v1/ws?token=x` → `/v1/ws`).
    public var path: Substring {
        target[..<(target.firstIndex(of: "?") ?? target.endIndex)]
    }

    /// The query after `?`, if any.
    public var query: Substring? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return target[target.index(after: mark)...]
    }
}
