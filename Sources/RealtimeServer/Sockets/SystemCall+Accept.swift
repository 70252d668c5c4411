import CoachingCore
import CLinux
import Glibc
import LoopKit

/// Accepting is the server's alone (the soak client only connects), and it answers with a
/// ``PeerAddress``, a server type; so it extends LoopKit's `SystemCall` here.
extension SystemCall {
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
}
