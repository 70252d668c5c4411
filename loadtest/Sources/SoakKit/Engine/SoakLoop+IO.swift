import Glibc
import LoopKit
import WSProtocol
import WireJSON

/// The socket side of `SoakLoop`: connect (TCP, TLS, upgrade), read and decode frames,
/// write queued output once per iteration, close and reconnect.
extension SoakLoop {
    // MARK: - Connecting

    func openSocket(_ connection: SoakConnection) {
        counters.connectAttempts += 1
        do {
            connection.fd = try ClientSocket.startConnect(to: address, from: connection.spec.source)
            connection.phase = .connecting
            connection.openedAtNs = nowNs
            try epoll.register(connection.fd, token: connection.token, interest: [.read, .write])
            connection.watchesWrite = true
        } catch {
            connectFailed(connection, error.description)
        }
    }

    func connectFailed(_ connection: SoakConnection, _ reason: String) {
        counters.connectFailures += 1
        if firstConnectFailure == nil { firstConnectFailure = reason }
        closeSocket(connection)
        connection.failures += 1
        scheduleReconnect(connection)
    }

    /// Retries with exponential backoff (100 ms … 5 s, jittered unless `--no-jitter`) unless the run is over for it.
    func scheduleReconnect(_ connection: SoakConnection) {
        let phase = control.currentPhase
        let owesWork: Bool
        if let editor = connection.editor { owesWork = editor.stage != .ended && editor.ledger.highestSent > 0 } else { owesWork = false }
        if phase == .stop || (phase == .closing && !owesWork) {
            connection.phase = .done
            return
        }
        connection.phase = .waitingToReconnect
        let delayMs = configuration.jitter.reconnectDelayMs(failures: connection.failures, using: &connection.random)
        schedule(connection, atNs: nowNs + delayMs * 1_000_000)
    }

    func handle(token: UInt64, events: IOEvents) {
        let slot = Int(UInt32(truncatingIfNeeded: token))
        guard slot < connections.count else { return }
        let connection = connections[slot]
        // An event for a closed (and maybe reused) fd is dropped: its token's generation is old.
        guard connection.generation == UInt32(truncatingIfNeeded: token >> 32), connection.fd >= 0 else { return }
        switch connection.phase {
        case .connecting:
            let error = SystemCall.pendingError(connection.fd)
            guard error == 0 else {
                connectFailed(connection, "connect: \(String(cString: strerror(error)))")
                return
            }
            connected(connection)
        case .tlsHandshake, .upgrading, .open, .closing:
            if events.contains(.write) { flush(connection) }
            if connection.fd >= 0 && !events.isDisjoint(with: [.read, .readHangup, .hangup, .error]) { readable(connection) }
        case .pending, .waitingToReconnect, .done:
            return
        }
    }

    func connected(_ connection: SoakConnection) {
        setInterest(connection, write: false)
        if let tlsContext {
            startTLS(connection, context: tlsContext)
        } else {
            sendUpgrade(connection)
        }
    }

    func sendUpgrade(_ connection: SoakConnection) {
        var key: [UInt8] = []
        for _ in 0..<2 { withUnsafeBytes(of: connection.random.next()) { key.append(contentsOf: $0) } }
        let handshake = ClientHandshake(keyBytes: key, offersDeflate: configuration.compression)
        connection.handshake = handshake
        connection.output.append(contentsOf: handshake.request(target: target, token: connection.spec.token, routeKey: connection.spec.routeKey))
        connection.phase = .upgrading
        markDirty(connection)
    }

    func setInterest(_ connection: SoakConnection, write: Bool) {
        guard connection.fd >= 0, connection.watchesWrite != write else { return }
        connection.watchesWrite = write
        try? epoll.modify(connection.fd, token: connection.token, interest: write ? [.read, .write] : [.read])
    }

    // MARK: - Reading

    func readable(_ connection: SoakConnection) {
        if connection.tls != nil {
            readableTLS(connection)
            return
        }
        for _ in 0..<8 {
            guard connection.fd >= 0 else { return }
            let count: Int
            switch SystemCall.receive(connection.fd, into: readBuffer) {
            case .transferred(0):
                lost(connection, "server closed the TCP connection")
                return
            case .transferred(let n): count = n
            case .wouldBlock: return
            case .failed(let code):
                lost(connection, "read: \(String(cString: strerror(code)))")
                return
            }
            counters.bytesReceived += Int64(count)
            received(connection, count)
            if count < readBuffer.count { return }
        }
    }

    func received(_ connection: SoakConnection, _ count: Int) {
        guard connection.phase == .upgrading else {
            processFrames(connection, UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<count]))
            return
        }
        connection.head.append(contentsOf: UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
        guard let handshake = connection.handshake else { return }
        let outcome = connection.head.withUnsafeBytes { handshake.receivedResponse($0) }
        switch outcome {
        case .needMoreData:
            return
        case .rejected(let reason):
            connectFailed(connection, "upgrade: \(reason)")
        case .accepted(let consumed, let deflate):
            let transform = deflate.map {
                PerMessageDeflateTransform(parameters: $0, configuration: Self.clientDeflate, role: .client)
            }
            connection.endpoint = WebSocketEndpoint(
                role: .client, limits: Limits(maxFrameSize: 1 << 20, maxMessageSize: 1 << 20, retainedBufferCapacity: 1024),
                transform: transform, maskingKeys: FastRandom(seed: connection.random.next()))
            connection.handshake = nil
            connection.phase = .open
            connection.failures = 0
            connection.everConnected = true
            counters.connectSuccesses += 1
            counters.openConnections += 1
            var early = Array(connection.head[consumed...])
            connection.head = []
            webSocketOpened(connection)
            if !early.isEmpty {
                early.withUnsafeMutableBytes { processFrames(connection, $0) }
            }
        }
    }

    func processFrames(_ connection: SoakConnection, _ bytes: UnsafeMutableRawBufferPointer) {
        var consumed = 0
        loop: while connection.fd >= 0 {
            guard let event = connection.endpoint?.nextEvent(from: bytes, consumed: &consumed, output: &connection.output) else { break }
            switch event {
            case .needMoreData:
                break loop
            case .text(let payload):
                counters.messagesReceived += 1
                handleText(connection, payload)
            case .binary:
                counters.messagesReceived += 1
            case .ping, .pong:
                markDirty(connection)
            case .closed(let code, let reason):
                flush(connection)
                if connection.phase == .closing {
                    finishClosed(connection)
                } else {
                    lost(connection, "server sent Close \(code.map { "\($0.rawValue)" } ?? "(no code)") \(reason)")
                }
                break loop
            case .failed(let violation):
                record(.webSocketViolation, "the server broke RFC 6455: \(violation)")
                flush(connection)
                lost(connection, "WebSocket protocol violation", countAsDisconnect: false)
                break loop
            }
        }
        if !connection.output.isEmpty { markDirty(connection) }
    }

    func handleText(_ connection: SoakConnection, _ payload: UnsafeRawBufferPointer) {
        let message: ServerMessage
        do {
            message = try ServerMessage.decode(payload, parser: &parser)
        } catch {
            record(.malformedMessage, "\(error): \(String(decoding: payload.prefix(200), as: UTF8.self))")
            return
        }
        if case .error(let code, let text, let ref) = message {
            counters.errorMessages += 1
            errorsByCode[code, default: 0] += 1
            record(.unexpectedError, "\(code): \(text)\(ref.map { " (ref \($0))" } ?? "")")
        }
        switch connection.spec.role {
        case .editor: editorReceived(connection, message)
        case .dashboard: dashboardReceived(connection, message)
        }
    }

    // MARK: - Writing

    func markDirty(_ connection: SoakConnection) {
        guard !connection.isDirty else { return }
        connection.isDirty = true
        dirty.append(connection.slot)
    }

    func flushDirty() {
        guard !dirty.isEmpty else { return }
        let slots = dirty
        dirty.removeAll(keepingCapacity: true)
        for slot in slots {
            let connection = connections[Int(slot)]
            connection.isDirty = false
            flush(connection)
        }
    }

    func flush(_ connection: SoakConnection) {
        guard connection.fd >= 0, connection.phase != .connecting else { return }
        if connection.tls != nil {
            flushTLS(connection)
            return
        }
        let (written, outcome) = Self.drain(&connection.output, to: connection.fd)
        counters.bytesSent += Int64(written)
        guard socketTookEverything(connection, outcome) else { return }
        setInterest(connection, write: false)
        if connection.output.capacity > 64 * 1024 { connection.output.reset(keepingCapacityUpTo: 4096) }
    }

    /// Writes `bytes` to `fd` until it is empty or the socket stops taking them. Touches
    /// nothing else, so a caller may pass a connection's own buffer.
    static func drain(_ bytes: inout ByteWriter, to fd: Int32) -> (written: Int, outcome: IOResult) {
        var total = 0
        while !bytes.isEmpty {
            let result = bytes.withUnsafeReadableBytes { SystemCall.send(fd, $0) }
            guard case .transferred(let written) = result else { return (total, result) }
            guard written > 0 else { return (total, .wouldBlock) }  // never spin on a zero write
            total += written
            bytes.consume(written)
        }
        return (total, .transferred(total))
    }

    /// After a `drain`: true when everything left; otherwise EPOLLOUT is armed (full socket)
    /// or the connection is lost (broken socket).
    func socketTookEverything(_ connection: SoakConnection, _ outcome: IOResult) -> Bool {
        switch outcome {
        case .transferred: return true
        case .wouldBlock:
            setInterest(connection, write: true)
            return false
        case .failed(let code):
            lost(connection, "write: \(String(cString: strerror(code)))")
            return false
        }
    }

    /// Encodes the writer's current message as a text frame on `connection`.
    func sendMessage(_ connection: SoakConnection) {
        writer.json.withUnsafeBytes { payload in
            _ = connection.endpoint?.send(.text, payload: payload, into: &connection.output)
        }
        markDirty(connection)
    }

    // MARK: - Closing

    func closeSocket(_ connection: SoakConnection) {
        if connection.fd >= 0 {
            connection.tls = nil
            connection.ciphertext.reset(keepingCapacityUpTo: 0)
            close(connection.fd)
            connection.fd = -1
        }
        if connection.phase == .open || connection.phase == .closing { counters.openConnections -= 1 }
        connection.generation &+= 1
        connection.endpoint = nil
        connection.handshake = nil
        connection.head = []
        connection.watchesWrite = false
        connection.output.reset(keepingCapacityUpTo: 4096)
    }

    /// The connection broke or the server closed it; resume later unless the run is over.
    func lost(_ connection: SoakConnection, _ reason: String, countAsDisconnect: Bool = true) {
        let wasOpen = connection.phase == .open || connection.phase == .closing
        let weClosed = connection.phase == .closing
        if connection.phase == .upgrading || connection.phase == .tlsHandshake {
            connectFailed(connection, reason)
            return
        }
        closeSocket(connection)
        connection.editor?.ledger.connectionLost()
        if weClosed {
            connection.phase = .done
            return
        }
        if wasOpen && countAsDisconnect {
            counters.disconnects += 1
            if configuration.expectRestarts == 0 { record(.unexpectedDisconnect, reason) }
            sessionLost(connection)
        }
        if let editor = connection.editor, editor.stage == .ended {
            connection.phase = .done
            return
        }
        if case .dashboard = connection.spec.role, control.currentPhase != .load {
            connection.phase = .done
            return
        }
        scheduleReconnect(connection)
    }

    /// Our Close was answered.
    func finishClosed(_ connection: SoakConnection) {
        closeSocket(connection)
        connection.phase = .done
    }

    /// Starts the closing handshake (RFC 6455 §7.1.2).
    func startClose(_ connection: SoakConnection) {
        guard connection.phase == .open else { return }
        connection.endpoint?.close(code: .normalClosure, into: &connection.output)
        connection.phase = .closing
        connection.openedAtNs = nowNs
        markDirty(connection)
    }

    func record(_ kind: ViolationKind, _ example: @autoclosure () -> String) {
        violations.record(kind, example())
        violationsChanged = true
    }
}
