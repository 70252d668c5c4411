import Logging
import WSProtocol

/// The WebSocket phase: decode frames in place from the loop buffer and route messages.
extension EventLoop {
    /// Drains every complete event out of `bytes[start...]`; replies go to the cork buffer.
    func receivedFrameBytes(_ connection: ClientConnection, _ bytes: UnsafeMutableRawBufferPointer, from start: Int) {
        var consumed = start
        events: while true {
            guard let event = connection.endpoint?.nextEvent(from: bytes, consumed: &consumed, output: &cork) else { return }
            switch event {
            case .needMoreData:
                break events
            case .text(let payload):
                stats.add(.messagesReceived)
                deliver(connection, opcode: .text, payload)
                if connection.isInputPaused {
                    // Waiting for another thread (token check, session look-up): keep the
                    // rest of this read for later, in order.
                    if consumed < bytes.count { connection.stashedInput = Array(bytes[consumed...]) }
                    break events
                }
            case .binary(let payload):
                stats.add(.messagesReceived)
                deliver(connection, opcode: .binary, payload)
            case .ping, .pong:
                continue  // the endpoint already queued the pong; any traffic proves liveness
            case .closed:
                break events
            case .failed(let violation):
                stats.add(.protocolErrors)
                logger.debug("failing WebSocket connection", metadata: [
                    "peer": "\(connection.peer)", "violation": "\(violation)", "close_code": "\(violation.closeCode)",
                ])
                break events
            }
        }
        applyDirective(connection)
    }

    private func deliver(_ connection: ClientConnection, opcode: Opcode, _ payload: UnsafeRawBufferPointer) {
        switch connection.route {
        case .echo:
            _ = connection.endpoint?.send(opcode, payload: payload, into: &cork)
            stats.add(.messagesSent)
        case .coaching:
            if opcode == .text {
                receivedCoachingMessage(connection, payload)
            } else {
                rejectMessage(connection, AppError(.badJSON, "message: binary frames are not used; send one JSON object per text frame"))
            }
        case .none:
            break
        }
    }

    /// Follows the endpoint's transport directive (close the TCP connection after the
    /// closing handshake or a failure).
    func applyDirective(_ connection: ClientConnection) {
        guard let directive = connection.endpoint?.transportDirective else { return }
        switch directive {
        case .none:
            break
        case .closeAfterFlush:
            closeAfterFlush(connection)
        }
    }

    /// Starts the closing handshake from our side (shutdown, ping timeout policy).
    func startClosingHandshake(_ connection: ClientConnection, code: CloseCode, reason: String) {
        connection.endpoint?.close(code: code, reason: reason, into: &cork)
        // RFC 6455 §7.1.1: wait for the peer's close; the sweep enforces the close timeout.
        connection.deadlineMs = nowMs + configuration.closeTimeoutMs
        applyDirective(connection)
        flush(connection)
    }
}
