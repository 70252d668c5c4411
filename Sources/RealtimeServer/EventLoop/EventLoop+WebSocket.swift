import CoachingCore
import Logging
import WSProtocol

/// The WebSocket phase: decode frames in place from the loop buffer and route messages.
extension EventLoop {
    /// Drains every complete event out of `bytes[start...]`; replies go to the cork buffer.
    func receivedFrameBytes(_ connection: ClientConnection, _ bytes: UnsafeMutableRawBufferPointer, from start: Int) {
        var consumed = start
        events: while true {
            let next = writeOutput(to: connection) { output in
                connection.endpoint?.nextEvent(from: bytes, consumed: &consumed, output: &output)
            }
            guard let event = next else { return }
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
            writeOutput(to: connection) { _ = connection.endpoint?.send(opcode, payload: payload, into: &$0) }
            stats.add(.messagesSent)
        case .coaching:
            guard let coaching = connection.coaching else { return }
            if opcode == .text {
                shard.receivedText(coaching, payload, at: coachingTime)
            } else {
                shard.receivedBinary(coaching, at: coachingTime)
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
        writeOutput(to: connection) { connection.endpoint?.close(code: code, reason: reason, into: &$0) }
        // RFC 6455 §7.1.1: wait for the peer's close; the sweep enforces the close timeout.
        connection.deadlineMs = nowMs + configuration.closeTimeoutMs
        checkAtNextSweep(connection)
        applyDirective(connection)
        flush(connection)
    }
}
