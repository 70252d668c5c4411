import CLinux
import Glibc
import LoopKit

/// One blocking `GET` of the server's `/metrics` (before the load and after it): a plain
/// HTTP/1.1 request with `Connection: close`, read to the end within a timeout.
public struct MetricsScrape: Sendable {
    /// Why a scrape failed.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public var host: String
    public var port: UInt16
    public var path: String
    /// Sent as `Authorization: Bearer` (the server's `metrics.token`).
    public var token: String?
    public var timeoutMs: Int32 = 5_000

    /// Parses `http://HOST:PORT/PATH` (PATH `/metrics` when left out).
    public init(url: String, token: String?) throws(ConfigurationError) {
        guard url.hasPrefix("http://") else { throw ConfigurationError("metrics URL \(url) must start with http://") }
        let rest = url.dropFirst(7)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        path = slash == rest.endIndex ? "/metrics" : String(rest[slash...])
        guard let colon = authority.lastIndex(of: ":"), let port = UInt16(authority[authority.index(after: colon)...]), port > 0 else {
            throw ConfigurationError("metrics URL \(url) needs HOST:PORT")
        }
        host = String(authority[..<colon])
        self.port = port
        self.token = token
    }

    /// The response body of a 200.
    public func fetch() throws(Failure) -> String {
        let address: sockaddr_in
        do { address = try ClientSocket.resolve(host, port: port) } catch { throw Failure(description: error.description) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: Int(timeoutMs / 1000), tv_usec: Int(timeoutMs % 1000) * 1000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var remote = address
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to \(host):\(port): errno \(errno)") }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        let sent = request.withUTF8 { bytes in send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.utf8.count else { throw Failure(description: "sending the request: errno \(errno)") }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                response += chunk[..<count]
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw Failure(description: "reading the response: errno \(errno)")
            }
        }
        return try Self.body(ofResponse: response)
    }

    /// The body of a complete `HTTP/1.1 200` response read to the end (`Connection: close`).
    static func body(ofResponse bytes: [UInt8]) throws(Failure) -> String {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw Failure(description: "the response has no complete head")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let status = head.split(separator: "\r\n").first ?? ""
        guard status.split(separator: " ").dropFirst().first == "200" else {
            throw Failure(description: "the server answered \(status)")
        }
        return String(decoding: bytes[(end + separator.count)...], as: UTF8.self)
    }
}
