/// Control frames and the closing handshake (RFC 6455 §5.5, §7).
extension WebSocketEndpoint {
    /// Handles a complete control frame.
    mutating func receivedControl(_ opcode: Opcode, _ body: UnsafeRawBufferPointer, output: inout ByteWriter) -> EndpointEvent {
        switch opcode {
        case .ping:
            // RFC 6455 §5.5.2: upon receipt of a Ping frame, an endpoint MUST send a Pong
            // frame in response, unless it already received a Close frame; §5.5.3: the Pong
            // MUST have identical "Application data". After sending our own Close we send
            // nothing more, so no Pong either.
            if state == .open { writeControl(.pong, body, into: &output) }
            return .ping(body)
        case .pong:
            // RFC 6455 §5.5.3: a Pong MAY be sent unsolicited; no response is expected.
            return .pong(body)
        case .close:
            return receivedClose(body, output: &output)
        default:
            // The decoder admits only the three control opcodes above.
            preconditionFailure("WebSocketEndpoint: unexpected control opcode \(opcode)")
        }
    }

    private mutating func receivedClose(_ body: UnsafeRawBufferPointer, output: inout ByteWriter) -> EndpointEvent {
        let payload: ClosePayload
        do {
            payload = try ClosePayload(parsing: body)
        } catch {
            return failConnection(error, output: &output)
        }
        switch state {
        case .open:
            // RFC 6455 §5.5.1: if an endpoint receives a Close frame and did not previously
            // send a Close frame, the endpoint MUST send a Close frame in response, typically
            // echoing the status code it received. An empty Close is echoed as an empty
            // Close: 1005 means "no code", so there is no code to echo, and §7.4.1 forbids
            // putting 1005 on the wire.
            let reply = ClosePayload(code: payload.code)
            writeClose(reply, into: &output)
            state = .closed(.handshakeCompleted(code: payload.code, initiatedLocally: false))
        case .closeSent:
            state = .closed(.handshakeCompleted(code: payload.code, initiatedLocally: true))
        case .closed:
            preconditionFailure("WebSocketEndpoint: input after close is discarded before decoding")
        }
        releaseAll()
        return .closed(code: payload.code, reason: payload.reason)
    }

    /// "Fail the WebSocket Connection" (RFC 6455 §7.1.7): send a Close with the violation's
    /// code if we have not sent one, then stop processing input.
    mutating func failConnection(_ violation: ProtocolViolation, output: inout ByteWriter) -> EndpointEvent {
        switch state {
        case .open:
            // RFC 6455 §7.1.7: the endpoint SHOULD send a Close frame with an appropriate
            // status code before closing the connection.
            writeClose(ClosePayload(code: violation.closeCode, reason: violation.reason), into: &output)
        case .closeSent, .closed:
            // RFC 6455 §5.5.1: a Close frame is sent at most once.
            break
        }
        state = .closed(.failed(violation))
        releaseAll()
        return .failed(violation)
    }

    /// Frees every buffer (the endpoint is closed; no payload pointer is outstanding).
    mutating func releaseAll() {
        pendingRelease = .nothing
        storage.removeAll(retainingUpTo: 0)
        extras?.transformOutput.reset(keepingCapacityUpTo: 0)
        assembler.completeMessage()
    }

    /// Writes a Close frame carrying `payload`.
    mutating func writeClose(_ payload: ClosePayload, into output: inout ByteWriter) {
        let count = payload.encodedLength
        withUnsafeTemporaryAllocation(byteCount: 125, alignment: 1) { raw in
            if let code = payload.code {
                raw[0] = UInt8(code.rawValue >> 8)
                raw[1] = UInt8(truncatingIfNeeded: code.rawValue)
                var index = 2
                for byte in payload.reason.utf8 {
                    raw[index] = byte
                    index += 1
                }
            }
            writeControl(.close, UnsafeRawBufferPointer(rebasing: raw[0..<count]), into: &output)
        }
    }

    /// Writes a control frame, masked for the client role.
    mutating func writeControl(_ opcode: Opcode, _ payload: UnsafeRawBufferPointer, into output: inout ByteWriter) {
        FrameEncoder.writeFrame(opcode: opcode, payload: payload, mask: nextMaskingKey(), into: &output)
    }

    /// A fresh masking key for the client role; nil for the server (RFC 6455 §5.1: a server
    /// MUST NOT mask any frames that it sends to the client).
    mutating func nextMaskingKey() -> MaskingKey? {
        switch role {
        case .server:
            return nil
        case .client:
            // RFC 6455 §5.3: the masking key MUST be unpredictable; a fresh key per frame.
            // take() leaves the existential uniquely referenced, so mutating it never copies a box.
            guard let extras, var generator = extras.maskingKeys.take() else {
                preconditionFailure("WebSocketEndpoint: client without masking keys")
            }
            let key = MaskingKey.random(using: &generator)
            extras.maskingKeys = generator
            return key
        }
    }
}
