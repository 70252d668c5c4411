import CoachingCore
import CLinux
import Glibc
public import LoopKit
import Synchronization

/// Termination and reload signals, delivered through a self-pipe: the C handler writes the
/// signal number to a pipe, and `wait()` reads it on an ordinary thread. This works whichever
/// thread the kernel interrupts (Swift's concurrency pool may exist before we could block
/// signals), and keeps every non-trivial action out of signal context.
public enum ProcessSignals {
    /// A signal the server acts on.
    public enum Received: Sendable, Equatable {
        /// SIGTERM or SIGINT: graceful shutdown.
        case terminate
        /// SIGHUP: reload certificates (and other reloadable configuration).
        case reload
    }

    private static let readFD = Mutex<Int32>(-1)

    /// Installs the handlers. Call once, before starting the server.
    public static func install() throws(SocketError) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SocketError(call: "pipe", errno: errno) }
        guard flowcoach_route_signals_to(fds[1]) == 0 else { throw SocketError(call: "sigaction", errno: errno) }
        readFD.withLock { $0 = fds[0] }
    }

    /// Blocks the calling thread until the next handled signal.
    public static func wait() -> Received {
        let fd = readFD.withLock { $0 }
        precondition(fd >= 0, "ProcessSignals.wait() before install()")
        while true {
            var byte: UInt8 = 0
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return .terminate }  // the pipe broke: treat as shutdown
            switch Int32(byte) {
            case SIGHUP: return .reload
            case SIGINT, SIGTERM: return .terminate
            default: continue
            }
        }
    }
}
