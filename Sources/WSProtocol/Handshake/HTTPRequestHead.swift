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
        var values: [String] = []
        for header in headers where HeaderGrammar.equalsIgnoringCase(header.name, name) { values.append(header.value) }
        return values
    }

    /// How many fields are named `name` (ASCII case-insensitive).
    public func count(ofName name: String) -> Int {
        var count = 0
        for header in headers where HeaderGrammar.equalsIgnoringCase(header.name, name) { count += 1 }
        return count
    }

    /// Whether an element of the comma-separated lists of the fields named `name` equals
    /// `token` (ASCII case-insensitive; the rules of ``HeaderGrammar/listElements(_:)``),
    /// without splitting them into strings. False when a list has an unterminated quote.
    public func listContains(name: String, token: String) -> Bool {
        var found = false
        for header in headers where HeaderGrammar.equalsIgnoringCase(header.name, name) {
            switch HeaderGrammar.listContains(header.value, token) {
            case nil: return false
            case true?: found = true
            case false?: break
            }
        }
        return found
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
