import Glibc
import LoopKit
import TestSupport
import WSProtocol

/// The client end of one loopback TCP connection to a loop under test: it sends masked
/// text messages, reads the server's messages through a client ``WebSocketEndpoint``, and
/// can reset the connection the way a client killed in a reconnect storm does.
final class TestWebSocketPeer {
    private var fd: Int32
    private var endpoint: WebSocketEndpoint
    /// Bytes read from the socket and not yet decoded.
    private var unread: [UInt8] = []

    /// Connects (blocking) to `127.0.0.1:port`.
    init(port: UInt16) throws(SocketError) {
        let fd = try LoopbackSocket.connect(port: port)
        self.fd = fd
        endpoint = WebSocketEndpoint(role: .client, maskingKeys: SeededGenerator(seed: UInt64(port)))
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Sends `text` as one masked text message.
    func send(_ text: String) {
        var output = ByteWriter()
        Array(text.utf8).withUnsafeBytes { _ = endpoint.send(.text, payload: $0, into: &output) }
        write(output)
    }

    /// Sends an unsolicited empty pong (RFC 6455 §5.5.3: a heartbeat that needs no answer).
    func sendPong() {
        var output = ByteWriter()
        _ = endpoint.sendPong(UnsafeRawBufferPointer(start: nil, count: 0), into: &output)
        write(output)
    }

    private func write(_ output: ByteWriter) {
        output.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, base + offset, bytes.count - offset)
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// The next text message from the server, waiting for it; nil when none comes within
    /// `timeoutMs` or the server closed the connection.
    func nextText(timeoutMs: Int32 = 5_000) -> String? {
        while true {
            if let text = decodeText() { return text }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, timeoutMs) == 1 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { return nil }
            unread.append(contentsOf: buffer[0..<count])
        }
    }

    /// Resets the connection: with `SO_LINGER` 0 the close sends RST rather than FIN, and
    /// the server's next write to it fails.
    func reset() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(fd)
        fd = -1
    }

    /// Decodes what was read up to the first text message (pings, pongs and the rest are
    /// passed over).
    private func decodeText() -> String? {
        while !unread.isEmpty {
            var consumed = 0
            var replies = ByteWriter()
            let (text, needsMore): (String?, Bool) = unread.withUnsafeMutableBytes { bytes in
                switch endpoint.nextEvent(from: bytes, consumed: &consumed, output: &replies) {
                case .text(let payload): (String(decoding: payload, as: UTF8.self), false)
                case .needMoreData: (nil, true)
                default: (nil, false)
                }
            }
            unread.removeFirst(consumed)
            if let text { return text }
            if needsMore { return nil }
        }
        return nil
    }
}

/// A blocking TCP connection to `127.0.0.1`, for tests that play a loop's clients.
enum LoopbackSocket {
    /// The connected socket's descriptor (the caller closes it).
    static func connect(port: UInt16) throws(SocketError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(call: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            close(fd)
            throw SocketError(call: "connect", errno: code)
        }
        return fd
    }
}
