import CLinux
import Glibc

/// Readiness events, OS-neutral.
struct IOEvents: OptionSet, Sendable {
    let rawValue: UInt8
    static let read = IOEvents(rawValue: 1)
    static let write = IOEvents(rawValue: 2)
    /// Peer hung up or the socket failed.
    static let hangup = IOEvents(rawValue: 4)
    static let error = IOEvents(rawValue: 8)
}

/// The only file of the soak client that knows `epoll_event` (level-triggered). Each
/// registration carries a 64-bit token (connection slot + generation) chosen by the loop.
struct Poller: ~Copyable {
    private let fd: Int32
    private let events: UnsafeMutableBufferPointer<epoll_event>

    init(maxEvents: Int = 1024) throws(SocketFailure) {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SocketFailure(call: "epoll_create1", errno: errno) }
        self.fd = fd
        events = .allocate(capacity: maxEvents)
        events.initialize(repeating: epoll_event())
    }

    deinit {
        close(fd)
        events.deallocate()
    }

    func register(_ fd: Int32, token: UInt64, interest: IOEvents) throws(SocketFailure) {
        try control(EPOLL_CTL_ADD, fd, token: token, interest: interest)
    }

    func modify(_ fd: Int32, token: UInt64, interest: IOEvents) throws(SocketFailure) {
        try control(EPOLL_CTL_MOD, fd, token: token, interest: interest)
    }

    /// Waits up to `timeoutMs`, calls `woke` once (the loop reads its clock there, so
    /// events are stamped with the time they were seen), then `body` per ready registration.
    func wait(timeoutMs: Int32, woke: () -> Void, _ body: (_ token: UInt64, _ events: IOEvents) -> Void) {
        let count = epoll_wait(fd, events.baseAddress, Int32(events.count), timeoutMs)
        woke()
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let event = events[index]
            var ready: IOEvents = []
            if event.events & EPOLLIN.rawValue != 0 { ready.insert(.read) }
            if event.events & EPOLLOUT.rawValue != 0 { ready.insert(.write) }
            if event.events & (EPOLLHUP.rawValue | EPOLLRDHUP.rawValue) != 0 { ready.insert(.hangup) }
            if event.events & EPOLLERR.rawValue != 0 { ready.insert(.error) }
            body(event.data.u64, ready)
        }
    }

    private func control(_ op: Int32, _ fd: Int32, token: UInt64, interest: IOEvents) throws(SocketFailure) {
        var event = epoll_event()
        var bits: UInt32 = 0
        if interest.contains(.read) { bits |= EPOLLIN.rawValue }
        if interest.contains(.write) { bits |= EPOLLOUT.rawValue }
        event.events = bits
        event.data.u64 = token
        guard epoll_ctl(self.fd, op, fd, &event) == 0 else { throw SocketFailure(call: "epoll_ctl", errno: errno) }
    }
}
