import CoachingCore
import CLinux
import Glibc
import LoopKit

/// A non-blocking listening socket with `SO_REUSEPORT`, one per event loop, so the kernel
/// spreads new connections across loops without a shared accept lock.
final class Listener {
    let fd: Int32
    /// The port actually bound (useful when asked for port 0).
    let port: UInt16

    /// Binds `host:port` (numeric address or name) and starts listening.
    init(host: String, port: UInt16, backlog: Int32 = 4096) throws(SocketError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw SocketError(call: "getaddrinfo(\(host))", errno: status == EAI_SYSTEM ? errno : EINVAL)
        }
        defer { freeaddrinfo(results) }

        let fd = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", errno: errno) }
        SystemCall.setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
        SystemCall.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1)
        guard bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let code = errno
            close(fd)
            throw SocketError(call: "bind(\(host):\(port))", errno: code)
        }
        guard listen(fd, backlog) == 0 else {
            let code = errno
            close(fd)
            throw SocketError(call: "listen", errno: code)
        }
        self.fd = fd
        self.port = Self.boundPort(fd) ?? port
    }

    deinit { close(fd) }

    private static func boundPort(_ fd: Int32) -> UInt16? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0 else { return nil }
        return PeerAddress(storage).port
    }
}
