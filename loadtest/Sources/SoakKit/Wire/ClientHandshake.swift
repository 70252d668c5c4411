public import WSProtocol

/// The client's opening handshake (RFC 6455 §4.1): writes the upgrade request and checks
/// the server's response. Pure: the key comes in as an argument, bytes come in and out.
public struct ClientHandshake: Sendable {
    /// The subprotocol PROTOCOL.md requires.
    public static let subprotocol = "flowcoach.v1"
    /// Largest response head accepted.
    public static let maximumHeadBytes = 16 * 1024

    /// What a response meant.
    public enum Outcome: Sendable, Equatable {
        /// The head is incomplete.
        case needMoreData
        /// 101 with a correct accept key and subprotocol; `consumed` bytes were the head (the
        /// rest are early frames); `deflate` holds the agreed permessage-deflate parameters.
        case accepted(consumed: Int, deflate: DeflateParameters?)
        /// Anything else, with a line for the report (`HTTP 401`, `bad Sec-WebSocket-Accept`).
        case rejected(String)
    }

    /// The `Sec-WebSocket-Key` sent (base64 of 16 random bytes, RFC 6455 §4.1 item 7).
    public let key: String
    /// Whether permessage-deflate was offered.
    public let offersDeflate: Bool

    /// A handshake with the 16 key bytes given.
    public init(keyBytes: [UInt8], offersDeflate: Bool) {
        precondition(keyBytes.count == 16, "ClientHandshake: the key is 16 bytes")
        key = Base64.encode(keyBytes)
        self.offersDeflate = offersDeflate
    }

    /// The request head.
    public func request(target: SoakTarget, token: String?, routeKey: String? = nil) -> [UInt8] {
        var path = target.path
        if let routeKey { path += (path.contains("?") ? "&" : "?") + "route=" + routeKey }
        var head = "GET \(path) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: \(Self.subprotocol)\r\nUser-Agent: flowcoach-soak/\(SoakVersion.current)\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        // RFC 7692 §7.1.2.2: offering client_max_window_bits without a value lets the server
        // choose the client's window.
        if offersDeflate { head += "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }

    /// Checks the response head at the start of `bytes`.
    public func receivedResponse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard let end = Self.headEnd(bytes) else {
            return bytes.count > Self.maximumHeadBytes ? .rejected("response head over \(Self.maximumHeadBytes) bytes") : .needMoreData
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).makeIterator()
        guard let statusLine = lines.next() else { return .rejected("empty response") }
        let status = statusLine.split(separator: " ", maxSplits: 2)
        guard status.count >= 2, status[0].hasPrefix("HTTP/1.") else { return .rejected("bad status line \(statusLine)") }
        var headers: [(name: String, value: String)] = []
        while let line = lines.next(), !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return .rejected("bad header line \(line)") }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append((String(line[..<colon]).lowercased(), String(value)))
        }
        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        // RFC 6455 §4.1: any status other than 101 means the handshake has not completed.
        guard status[1] == "101" else {
            return .rejected("HTTP \(status[1])\(status.count > 2 ? " \(status[2])" : "")")
        }
        guard let upgrade = header("upgrade"), HeaderGrammar.equalsIgnoringCase(upgrade, "websocket") else {
            return .rejected("101 without Upgrade: websocket")
        }
        guard let accept = header("sec-websocket-accept"), accept == AcceptKey.compute(forKey: key) else {
            return .rejected("bad Sec-WebSocket-Accept")
        }
        guard header("sec-websocket-protocol") == Self.subprotocol else {
            return .rejected("subprotocol \(header("sec-websocket-protocol") ?? "none") instead of \(Self.subprotocol)")
        }
        var deflate: DeflateParameters?
        if let extensions = header("sec-websocket-extensions") {
            guard offersDeflate, let offers = ExtensionOffer.parseList([extensions]), offers.count == 1,
                  let parameters = DeflateParameters(response: offers[0])
            else {
                // RFC 6455 §4.1 item 5: an extension not requested fails the connection.
                return .rejected("unexpected Sec-WebSocket-Extensions: \(extensions)")
            }
            deflate = parameters
        }
        return .accepted(consumed: end + 4, deflate: deflate)
    }

    /// Index of the `\r\n\r\n` ending the head.
    static func headEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
