internal import Glibc

/// A failed system call: which call and the errno it left (the server's and the soak
/// client's setup errors alike).
public struct SocketError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The system call that failed (`bind`, `epoll_ctl`, …).
    public let call: String
    /// The errno value it reported.
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
