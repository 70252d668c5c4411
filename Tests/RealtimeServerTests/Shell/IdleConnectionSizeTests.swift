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

    @Test("an upgraded connection's object stays within 216 bytes of heap (424 before the endpoint was packed)")
    func upgradedConnectionSize() {
        let connection = ClientConnection(
            fd: -1, token: 0, peer: PeerAddress(sockaddr_storage()), nowMs: 0, handshakeDeadlineMs: 0)
        #expect(connection.requestParser != nil)
        connection.requestParser = nil  // the head arrived
        connection.endpoint = WebSocketEndpoint(role: .server)
        connection.phase = .webSocket
        let bytes = Self.heapBytes(of: connection)
        print("ClientConnection heap bytes after the upgrade: \(bytes)")
        #expect(bytes > 0 && bytes <= 216)
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
