internal import CLinux
internal import Glibc

/// Thin wrappers that retry EINTR and turn errno into ``IOResult``. A process using them
/// ignores SIGPIPE (the server and the soak client both do at start), so a write to a
/// reset connection fails with EPIPE instead of killing it.
public enum SystemCall {
    /// `read(2)` into `buffer`.
    @inline(__always)
    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return .transferred(n) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(code)
        }
    }

    /// `writev(2)` of up to two buffers (pending output, then fresh output); either may be
    /// empty.
    @inline(__always)
    public static func write(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> IOResult {
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

    /// `write(2)` of one buffer.
    @inline(__always)
    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        write(fd, bytes, UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// Sets an integer socket option, ignoring failure (used for best-effort tuning).
    public static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// The pending error of a socket (`SO_ERROR`): 0 once a non-blocking connect succeeded.
    public static func pendingError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 else { return errno }
        return value
    }
}
