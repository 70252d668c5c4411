/// The sending side: data messages, pings and starting the closing handshake.
extension WebSocketEndpoint {
    /// Appends one complete message frame (`.text` or `.binary`) to `output`, transformed by
    /// the negotiated extension when there is one.
    ///
    /// Returns false and writes nothing once the endpoint may no longer send data (RFC 6455
    /// §5.5.1: after sending a Close frame, the endpoint MUST NOT send any more data frames).
    /// The caller guarantees that `.text` payloads are valid UTF-8.
    @discardableResult
    public mutating func send(_ opcode: Opcode, payload: UnsafeRawBufferPointer, into output: inout ByteWriter) -> Bool {
        precondition(opcode == .text || opcode == .binary, "WebSocketEndpoint.send: only text or binary, got \(opcode)")
        guard case .open = state else { return false }
        guard let extras else {
            // A plain server endpoint: no extension, no mask (RFC 6455 §5.1).
            FrameEncoder.writeUnmaskedDataFrame(opcode, payload: payload, into: &output)
            return true
        }
        let mask = nextMaskingKey()
        if let transform = extras.transform {
            transform.encode(payload) { encoded, bits in
                FrameEncoder.writeFrame(opcode: opcode, payload: encoded, reservedBits: bits, mask: mask, into: &output)
            }
        } else {
            FrameEncoder.writeFrame(opcode: opcode, payload: payload, mask: mask, into: &output)
        }
        return true
    }

    /// Appends a Ping (at most 125 bytes of application data, RFC 6455 §5.5). Returns false
    /// and writes nothing unless the connection is open.
    @discardableResult
    public mutating func sendPing(_ payload: UnsafeRawBufferPointer, into output: inout ByteWriter) -> Bool {
        precondition(payload.count <= 125, "WebSocketEndpoint.sendPing: control payload over 125 bytes")
        guard state == .open else { return false }
        writeControl(.ping, payload, into: &output)
        return true
    }

    /// Appends an unsolicited Pong (a heartbeat, RFC 6455 §5.5.3). Returns false unless open.
    @discardableResult
    public mutating func sendPong(_ payload: UnsafeRawBufferPointer, into output: inout ByteWriter) -> Bool {
        precondition(payload.count <= 125, "WebSocketEndpoint.sendPong: control payload over 125 bytes")
        guard state == .open else { return false }
        writeControl(.pong, payload, into: &output)
        return true
    }

    /// Starts the closing handshake (RFC 6455 §5.5.1, §7.1.2): appends a Close frame and
    /// moves to `.closeSent`; the peer's reply then closes the endpoint. Does nothing unless
    /// the connection is open. The reason is cut to 123 bytes at a character boundary.
    ///
    /// - Precondition: `code.isSendable` (1005, 1006, 1015 and unassigned codes MUST NOT be sent).
    public mutating func close(code: CloseCode, reason: String = "", into output: inout ByteWriter) {
        // RFC 6455 §7.4.1: 1005 and 1006 (and 1015) MUST NOT be set as a status code in a
        // Close control frame by an endpoint.
        precondition(code.isSendable, "WebSocketEndpoint.close: code \(code) must not be sent")
        guard state == .open else { return }
        writeClose(ClosePayload(code: code, reason: reason), into: &output)
        state = .closeSent
    }
}
