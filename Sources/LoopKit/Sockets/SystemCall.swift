internal import CLinux
internal import Glibc

/// Thin wrappers over the socket calls that retry EINTR and turn errno into ``IOResult``.
/// They make the system calls directly (CLinux's `flowcoach_recv` and friends), skipping the
/// thread-cancellation bookkeeping glibc wraps these calls in once a process has threads.
/// Sends pass `MSG_NOSIGNAL`, so a send to a reset connection fails with EPIPE instead of
/// killing the process (the server and the soak client also ignore SIGPIPE at start).
public enum SystemCall {
    /// `recv(2)` into `buffer`. A socket call rather than `read(2)`: it goes straight to the
    /// socket layer, skipping the VFS file-position lock and checks `read` pays per call.
    @inline(__always)
    public static func receive(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        while true {
            let n = flowcoach_recv(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return .transferred(n) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(code)
        }
    }

    /// Sends up to two buffers (pending output, then fresh output); either may be empty.
    /// One buffer goes through `send(2)`, two through `sendmsg(2)` — socket calls rather than
    /// `writev(2)`, for the same reason as ``receive(_:into:)``. `MSG_NOSIGNAL`: a reset peer
    /// gives EPIPE even where SIGPIPE is not ignored.
    @inline(__always)
    public static func send(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> IOResult {
        while true {
            let n: Int
            if first.isEmpty || second.isEmpty {
                let only = first.isEmpty ? second : first
                n = flowcoach_send(fd, only.baseAddress, only.count, Int32(MSG_NOSIGNAL))
            } else {
                n = sendBoth(fd, first, second)
            }
            if n >= 0 { return .transferred(n) }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            return .failed(code)
        }
    }

    /// Sends one buffer.
    @inline(__always)
    public static func send(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> IOResult {
        send(fd, bytes, UnsafeRawBufferPointer(start: nil, count: 0))
    }

    /// `sendmsg(2)` of two non-empty buffers in one call.
    @inline(__always)
    private static func sendBoth(_ fd: Int32, _ first: UnsafeRawBufferPointer, _ second: UnsafeRawBufferPointer) -> Int {
        var vectors = (
            iovec(iov_base: UnsafeMutableRawPointer(mutating: first.baseAddress), iov_len: first.count),
            iovec(iov_base: UnsafeMutableRawPointer(mutating: second.baseAddress), iov_len: second.count)
        )
        return withUnsafeMutablePointer(to: &vectors) { pointer in
            pointer.withMemoryRebound(to: iovec.self, capacity: 2) { iov in
                var message = msghdr()
                message.msg_iov = iov
                message.msg_iovlen = 2
                return flowcoach_sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
            }
        }
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
