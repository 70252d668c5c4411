import CLinux
import Glibc

/// Outcome of a non-blocking read or write.
enum IOResult: Equatable {
    /// This many bytes were transferred (0 on read means EOF).
    case transferred(Int)
    /// The socket is not ready (EAGAIN/EWOULDBLOCK).
    case wouldBlock
    /// The connection is broken (ECONNRESET, EPIPE, …); the errno says why.
    case failed(Int32)
}

/// Thin wrappers that retry EINTR and turn errno into `IOResult`.
enum SystemCall {
    /// `read(2)` into `buffer`.
    @inline(__always)
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return .transferred(n) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(code)
        }
    }

    /// `writev(2)` of up to two buffers (pending output, then fresh output).
    @inline(__always)
    static func write(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> IOResult {
        var vectors = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)
        )
        while true {
            let n: Int = withUnsafeMutablePointer(to: &vectors) { pointer in
                pointer.withMemoryRebound(to: iovec.self, capacity: 2) { iov in
                    if first.isEmpty { return Glibc.writev(fd, iov + 1, 1) }
                    if second.isEmpty { return Glibc.writev(fd, iov, 1) }
                    return Glibc.writev(fd, iov, 2)
                }
            }
            if n >= 0 { return .transferred(n) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(code)
        }
    }

    /// `accept4(2)` returning a non-blocking, close-on-exec socket, or nil when none is pending.
    static func accept(_ listener: Int32) -> (fd: Int32, peer: PeerAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        while true {
            let fd = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(listener, $0, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
                }
            }
            if fd >= 0 { return (fd, PeerAddress(storage)) }
            if errno == EINTR || errno == ECONNABORTED { continue }
            return nil  // EAGAIN, or EMFILE/ENFILE: the caller logs and retries later
        }
    }

    /// Sets an integer socket option, ignoring failure (used for best-effort tuning).
    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }
}
