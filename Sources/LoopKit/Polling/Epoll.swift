internal import CLinux
internal import Glibc

/// The only file that knows `epoll_event`: a handful of functions mapping `IOEvents` to the
/// OS (redis `ae_epoll.c` style). Each registration carries a 64-bit token chosen by the
/// loop (slot + generation), so events for a closed and reused fd can be recognised.
/// Used by the server's event loops and the soak client's loops alike.
public struct Epoll: ~Copyable {
    private let fd: Int32
    private let events: UnsafeMutableBufferPointer<epoll_event>

    /// Creates an epoll instance that reports at most `maxEvents` events per wait.
    public init(maxEvents: Int = 1024) throws(SocketError) {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SocketError(call: "epoll_create1", errno: errno) }
        self.fd = fd
        events = .allocate(capacity: maxEvents)
        events.initialize(repeating: epoll_event())
    }

    deinit {
        close(fd)
        events.deallocate()
    }

    /// Starts watching `fd` for `interest` (level-triggered; a peer's half-close is always
    /// reported as `.readHangup`).
    public func register(_ fd: Int32, token: UInt64, interest: IOEvents) throws(SocketError) {
        try control(EPOLL_CTL_ADD, fd, token: token, interest: interest)
    }

    /// Changes what `fd` is watched for.
    public func modify(_ fd: Int32, token: UInt64, interest: IOEvents) throws(SocketError) {
        try control(EPOLL_CTL_MOD, fd, token: token, interest: interest)
    }

    /// Stops watching `fd` (closing it also does; this is for fds that stay open).
    public func deregister(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(self.fd, EPOLL_CTL_DEL, fd, &event)
    }

    /// Waits up to `timeoutMs` (-1: forever), calls `woke` once (a loop that stamps events
    /// with the time they were seen reads its clock there), then `body` per ready
    /// registration.
    public func wait(
        timeoutMs: Int32, woke: () -> Void = {}, _ body: (_ token: UInt64, _ events: IOEvents) -> Void
    ) {
        let count = flowcoach_epoll_wait(fd, events.baseAddress, Int32(events.count), timeoutMs)
        woke()
        guard count > 0 else { return }  // 0: timeout; -1 with EINTR: a signal, just loop
        for index in 0..<Int(count) {
            let event = events[index]
            body(event.data.u64, Self.ioEvents(event.events))
        }
    }

    private func control(_ op: Int32, _ fd: Int32, token: UInt64, interest: IOEvents) throws(SocketError) {
        var event = epoll_event()
        event.events = Self.osEvents(interest)
        event.data.u64 = token
        guard epoll_ctl(self.fd, op, fd, &event) == 0 else {
            throw SocketError(call: "epoll_ctl", errno: errno)
        }
    }

    private static func osEvents(_ interest: IOEvents) -> UInt32 {
        var bits: UInt32 = EPOLLRDHUP.rawValue
        if interest.contains(.read) { bits |= EPOLLIN.rawValue }
        if interest.contains(.write) { bits |= EPOLLOUT.rawValue }
        return bits
    }

    private static func ioEvents(_ bits: UInt32) -> IOEvents {
        var events: IOEvents = []
        if bits & EPOLLIN.rawValue != 0 { events.insert(.read) }
        if bits & EPOLLOUT.rawValue != 0 { events.insert(.write) }
        if bits & EPOLLRDHUP.rawValue != 0 { events.insert(.readHangup) }
        if bits & EPOLLHUP.rawValue != 0 { events.insert(.hangup) }
        if bits & EPOLLERR.rawValue != 0 { events.insert(.error) }
        return events
    }
}
