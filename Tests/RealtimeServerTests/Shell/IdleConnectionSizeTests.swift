import Glibc
import LoopKit
import Testing
import WSProtocol
@testable import RealtimeServer

/// What one idle WebSocket costs the server's heap: the connection object once the
/// handshake is over (RSS per idle connection; docs/BENCHMARKS.md). Its HTTP-phase state
/// lives in a box released after the upgrade, and a plain server endpoint boxes nothing,
/// so the object is all there is (besides its slot in the loop's table).
struct IdleConnectionSizeTests {
    /// glibc's `malloc_usable_size` (not in the Glibc module's headers).
    static let usableSize: (@convention(c) (UnsafeMutableRawPointer?) -> Int)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_usable_size") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutableRawPointer?) -> Int).self)
    }()

    static func heapBytes(of object: AnyObject) -> Int {
        guard let usableSize else { return -1 }
        return usableSize(Unmanaged.passUnretained(object).toOpaque())
    }

    @Test("an upgraded connection's object, its check position included, stays within 200 bytes of heap (424 before the endpoint was packed, 216 before the output backlog was boxed)")
    func upgradedConnectionSize() {
        // Many, and the smallest chunk: malloc may hand any of them a freed larger chunk
        // whole (when splitting it would leave too little), which says nothing of the class;
        // with 8, all 8 can come back larger while the other suites run.
        let connections = (0..<256).map { _ in
            ClientConnection(fd: -1, token: 0, peer: PeerAddress(sockaddr_storage()), nowMs: 0, handshakeDeadlineMs: 0)
        }
        for connection in connections {
            #expect(connection.requestParser != nil)
            connection.requestParser = nil  // the head arrived
            connection.endpoint = WebSocketEndpoint(role: .server)
            connection.phase = .webSocket
            connection.checkPosition = 0
        }
        let bytes = connections.map { Self.heapBytes(of: $0) }.min() ?? -1
        print("ClientConnection heap bytes after the upgrade: \(bytes)")
        #expect(bytes > 0 && bytes <= 200)
    }

    @Test("a loop holds per idle /echo connection its object and one 8-byte check, nothing beside the table")
    func loopHoldsOneCheckPerIdleConnection() throws {
        let harness = try LoopOnTestThread { $0.echoEnabled = true }
        let loop = harness.loop
        let listenerFD = try #require(loop.listener?.fd)
        // FLOWCOACH_IDLE_CONNECTIONS=5000 measures one loop's share of the 10,000 of
        // docs/BENCHMARKS.md (the process needs two descriptors a connection).
        let count = getenv("FLOWCOACH_IDLE_CONNECTIONS").flatMap { Int(String(cString: $0)) } ?? 32
        var clients: [Int32] = []
        defer { for fd in clients { close(fd) } }
        let request = Array(("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
        // Accepted as epoll would report the listener (in batches, within the listen
        // backlog), then each request read and upgraded.
        for index in 0..<count {
            let fd = try LoopbackSocket.connect(port: loop.port)
            clients.append(fd)
            #expect(request.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == request.count)
            guard index % 64 == 63 || index == count - 1 else { continue }
            while loop.openCount <= index {
                var poller = pollfd(fd: listenerFD, events: Int16(POLLIN), revents: 0)
                try #require(poll(&poller, 1, 5_000) == 1)
                loop.handle(token: EventLoop.listenerToken, events: .read)
            }
        }
        let connections = loop.connections.compactMap { $0 }
        for connection in connections {
            var poller = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&poller, 1, 5_000)
            loop.handle(token: connection.token, events: .read)
        }
        try #require(connections.count == count && connections.allSatisfy { $0.phase == .webSocket })
        // Each upgrade asked for a check earlier than its handshake deadline: the check
        // moved, no second entry stays behind until the deadline.
        #expect(loop.connectionChecks.count == count)
        // The smallest chunk is the object's size class (malloc hands out a freed larger
        // chunk whole when splitting it would leave too little).
        let objectBytes = connections.map { Self.heapBytes(of: $0) }.min() ?? -1
        let perConnection = objectBytes + 8 * loop.connectionChecks.count / count
        print("""
            \(count) idle connections: object \(objectBytes) B each; check queue \(loop.connectionChecks.count) \
            entries, capacity \(loop.connectionChecks.capacity); table \(loop.connections.count) slots, \
            capacity \(loop.connections.capacity); free slots \(loop.freeSlots.count)
            """)
        #expect(objectBytes > 0 && perConnection <= 200 + 8)
    }

    @Test("the HTTP-phase state comes back when written after it was released")
    func setupStateComesBack() {
        let connection = ClientConnection(
            fd: -1, token: 0, peer: PeerAddress(sockaddr_storage()), nowMs: 0, handshakeDeadlineMs: 0)
        connection.requestParser = nil
        #expect(connection.requestParser == nil)
        connection.requestParser = HTTPRequestParser()
        let result = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8).withUnsafeBytes { connection.requestParser?.parse($0) }
        guard case .complete(let head, _)? = result else {
            Issue.record("no head parsed: \(String(describing: result))")
            return
        }
        #expect(head.target == "/")
    }
}
