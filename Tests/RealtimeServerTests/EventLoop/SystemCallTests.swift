import Glibc
import LoopKit
import Testing

/// LoopKit's per-message calls (`SystemCall`, `Epoll.wait`, `Mailbox`) make their system
/// calls directly rather than through glibc's wrappers: the same results and errors as the
/// library calls, checked on a connected pair of non-blocking sockets.
struct SystemCallTests {
    /// A connected, non-blocking stream socket pair, closed by `body`'s end.
    func withSocketPair(_ body: (Int32, Int32) throws -> Void) throws {
        var fds: [Int32] = [-1, -1]
        let made = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0, &fds)
        try #require(made == 0)
        defer {
            if fds[0] >= 0 { close(fds[0]) }
            if fds[1] >= 0 { close(fds[1]) }
        }
        try body(fds[0], fds[1])
    }

    func receive(_ fd: Int32, capacity: Int = 64) -> (IOResult, [UInt8]) {
        var buffer = [UInt8](repeating: 0, count: capacity)
        let result = buffer.withUnsafeMutableBytes { SystemCall.receive(fd, into: $0) }
        if case .transferred(let n) = result { return (result, Array(buffer[0..<n])) }
        return (result, [])
    }

    @Test("send and receive move the bytes; an empty socket would block")
    func sendReceive() throws {
        try withSocketPair { a, b in
            #expect(receive(b).0 == .wouldBlock)
            let sent = Array("hello".utf8).withUnsafeBytes { SystemCall.send(a, $0) }
            #expect(sent == .transferred(5))
            let (result, bytes) = receive(b)
            #expect(result == .transferred(5))
            #expect(bytes == Array("hello".utf8))
            #expect(receive(b).0 == .wouldBlock)
        }
    }

    @Test("two buffers leave in one call, in order")
    func sendTwoBuffers() throws {
        try withSocketPair { a, b in
            let first = Array("pending-".utf8), second = Array("fresh".utf8)
            let sent = first.withUnsafeBytes { one in second.withUnsafeBytes { two in SystemCall.send(a, one, two) } }
            #expect(sent == .transferred(first.count + second.count))
            #expect(receive(b).1 == first + second)
        }
    }

    @Test("a closed peer reads as end of stream, and a send to it fails with EPIPE (no SIGPIPE)")
    func closedPeer() throws {
        var fds: [Int32] = [-1, -1]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue), 0, &fds) == 0)
        defer { close(fds[0]) }
        close(fds[1])
        #expect(receive(fds[0]).0 == .transferred(0))
        let sent = Array("x".utf8).withUnsafeBytes { SystemCall.send(fds[0], $0) }
        #expect(sent == .failed(EPIPE))
    }

    @Test("a bad descriptor fails with EBADF")
    func badDescriptor() {
        #expect(receive(-1).0 == .failed(EBADF))
        #expect(Array("x".utf8).withUnsafeBytes { SystemCall.send(-1, $0) } == .failed(EBADF))
    }

    @Test("epoll reports a readable socket with its token, and nothing once it is drained")
    func epollWait() throws {
        try withSocketPair { a, b in
            let epoll = try Epoll()
            try epoll.register(b, token: 42, interest: .read)
            var seen: [(UInt64, IOEvents)] = []
            epoll.wait(timeoutMs: 0) { seen.append(($0, $1)) }
            #expect(seen.isEmpty)
            _ = Array("ping".utf8).withUnsafeBytes { SystemCall.send(a, $0) }
            epoll.wait(timeoutMs: 1_000) { seen.append(($0, $1)) }
            #expect(seen.count == 1)
            #expect(seen.first?.0 == 42)
            #expect(seen.first?.1.contains(.read) == true)
            _ = receive(b)
            seen = []
            epoll.wait(timeoutMs: 0) { seen.append(($0, $1)) }
            #expect(seen.isEmpty)
        }
    }

    @Test("a mailbox's post makes its eventfd readable once; drain returns the messages in order and resets it")
    func mailboxWakeUp() throws {
        let mailbox = try Mailbox<Int>()
        let epoll = try Epoll()
        try epoll.register(mailbox.eventFD, token: 7, interest: .read)
        var woken = 0
        epoll.wait(timeoutMs: 0) { _, _ in woken += 1 }
        #expect(woken == 0)
        mailbox.post(1)
        mailbox.post(2)
        mailbox.post(3)
        epoll.wait(timeoutMs: 1_000) { token, _ in if token == 7 { woken += 1 } }
        #expect(woken == 1)
        #expect(mailbox.drain() == [1, 2, 3])
        woken = 0
        epoll.wait(timeoutMs: 0) { _, _ in woken += 1 }
        #expect(woken == 0)
    }
}
