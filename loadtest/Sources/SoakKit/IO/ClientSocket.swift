import CLinux
import Glibc
import LoopKit

/// Opening non-blocking TCP client sockets (reads and writes go through LoopKit's
/// `SystemCall`, as the server's do).
enum ClientSocket {
    /// Linux `IP_BIND_ADDRESS_NO_PORT` (include/uapi/linux/in.h): bind() picks the source
    /// address only, the port is chosen at connect() for the full 4-tuple, so each source
    /// address gets its own ephemeral range toward the server.
    static let ipBindAddressNoPort: Int32 = 24

    /// Starts a connection from `source` (network-order IPv4, 0 for any) to `destination`.
    /// Returns the socket; the connect completes when it becomes writable.
    static func startConnect(to destination: sockaddr_in, from source: UInt32) throws(SocketError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", errno: errno) }
        SystemCall.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        if source != 0 {
            SystemCall.setOption(fd, Int32(IPPROTO_IP), ipBindAddressNoPort, 1)
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = source
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound != 0 {
                let code = errno
                close(fd)
                throw SocketError(call: "bind", errno: code)
            }
        }
        var remote = destination
        let result = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS {
            let code = errno
            close(fd)
            throw SocketError(call: "connect", errno: code)
        }
        return fd
    }

    /// Resolves `host` to an IPv4 address (numeric first, then the resolver).
    static func resolve(_ host: String, port: UInt16) throws(SocketError) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        let name = host == "localhost" ? "127.0.0.1" : host
        if inet_pton(AF_INET, name, &address.sin_addr) == 1 { return address }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &result)
        guard status == 0, let first = result, let found = first.pointee.ai_addr else {
            throw SocketError(call: "getaddrinfo(\(host))", errno: EHOSTUNREACH)
        }
        defer { freeaddrinfo(result) }
        found.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address.sin_addr = $0.pointee.sin_addr }
        return address
    }

    /// Network-order 127.0.0.`n`.
    static func loopbackSource(_ n: Int) -> UInt32 {
        (UInt32(127) << 24 | UInt32(n & 0xFF)).bigEndian
    }

    /// Raises the open-file soft limit to the hard limit; returns the new soft limit.
    static func raiseFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }
}
