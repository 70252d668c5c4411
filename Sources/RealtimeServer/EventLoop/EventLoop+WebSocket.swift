import CoachingCore
import Logging
import WSProtocol

/// The WebSocket phase: decode frames in place from the loop buffer and route messages.
extension EventLoop {
    /// Drains every complete event out of `bytes[start...]`; replies go to the cork buffer.
    func receivedFrameBytes(_ connection: ClientConnection, _ bytes: UnsafeMutableRawBufferPointer, from start: Int) {
        var consumed = start
        // Counted here and added to the loop's shared counters once per read, not once per
        // message (the echo route's messages are counted inside the endpoint).
        var received = 0
        var echoed = 0
        defer {
            if received &+ echoed > 0 {
                stats.add(.messagesReceived, received &+ echoed)
                if echoed > 0 { stats.add(.messagesSent, echoed) }
            }
        }
        let echoes = connection.route == .echo
        events: while true {
            let next = writeOutput(to: connection) { output in
                // The echo route sends each message back inside the endpoint: one entry
                // into it (and into the cork) per read, not two per message.
                echoes
                    ? connection.endpoint?.echoMessages(from: bytes, consumed: &consumed, output: &output, echoed: &echoed)
                    : connection.endpoint?.nextEvent(from: bytes, consumed: &consumed, output: &output)
            }
            guard let event = next else { return }
            switch event {
            case .needMoreData:
                break events
            case .text(let payload):
                received &+= 1
                deliver(connection, opcode: .text, payload)
                if connection.isInputPaused {
                    // Waiting for another thread (token check, session look-up): keep the
                    // rest of this read for later, in order.
                    if consumed < bytes.count { connection.stashedInput = Array(bytes[consumed...]) }
                    break events
                }
            case .binary(let payload):
                received &+= 1
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
        case .echo, .none:
            break  // the echo route's messages went back inside the endpoint (echoMessages)
        case .coaching:
            // Unretained (an atomic pair per message less): the connection, alive until the
            // batch ends, keeps its coaching state, which is set once, at the upgrade.
            guard let coaching = connection.coaching.map(Unmanaged.passUnretained) else { return }
            coaching._withUnsafeGuaranteedRef { coaching in
                if opcode == .text {
                    shard.receivedText(coaching, payload, at: coachingTime)
                } else {
                    shard.receivedBinary(coaching, at: coachingTime)
                }
            }
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
