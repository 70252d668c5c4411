import Glibc
import Histogram
import Synchronization
import WSProtocol
import WireJSON

/// One client event-loop thread: it opens its share of the connections at the ramp rate,
/// reads and writes them through epoll, fires activity and reconnect timers, drops
/// connections for churn, and publishes its counters once a second.
///
/// Each iteration: wait → dispatch events → timers → periodic work → flush every connection
/// that queued output (one write per connection per iteration).
final class SoakLoop: @unchecked Sendable {
    // @unchecked Sendable: built on the main thread, then used only by its own loop thread;
    // the runner talks to it through `SoakControl` (atomics and a mutex).

    let index: Int
    let configuration: SoakConfiguration
    let target: SoakTarget
    let address: sockaddr_in
    let tlsContext: TLSClientContext?
    let control: SoakControl
    var connections: [SoakConnection]
    let poller: Poller
    var timers = TimerQueue()
    var dirty: [Int32] = []
    let readBuffer: UnsafeMutableRawBufferPointer
    var parser = JSONParser(limits: JSONLimits(maxDepth: 16, maxValues: 100_000, maxInputBytes: 1 << 20))
    var writer = ClientMessageWriter()
    var counters = SoakCounters()
    var latency = LatencySummary.makeHistogram()
    var violations = ViolationLog()
    var violationsChanged = false
    var errorsByCode: [String: Int] = [:]
    var firstConnectFailure: String?
    var profiles: [Int: TypistProfile] = [:]
    var nowNs: UInt64 = 0
    var opened = 0
    var rampStartNs: UInt64 = 0
    let rampIntervalNs: UInt64
    var churnCredit = 0.0
    var churnRandom = FastRandom.fromSystemEntropy()
    var lastTickNs: UInt64 = 0
    var lastSweepNs: UInt64 = 0
    var lastPublishNs: UInt64 = 0
    var finished = false
    static let tickNs: UInt64 = 100_000_000
    /// Counters are published five times a second so the runner's one-second rates do not
    /// alias against the loops' own phase.
    static let publishIntervalNs: UInt64 = 200_000_000
    static let connectTimeoutNs: UInt64 = 10_000_000_000

    init(index: Int, configuration: SoakConfiguration, target: SoakTarget, address: sockaddr_in,
         tlsContext: TLSClientContext?, control: SoakControl, specs: [ConnectionSpec], threads: Int) throws(SocketFailure) {
        self.index = index
        self.configuration = configuration
        self.target = target
        self.address = address
        self.tlsContext = tlsContext
        self.control = control
        var system = SystemRandomNumberGenerator()
        connections = specs.enumerated().map { offset, spec in
            SoakConnection(slot: Int32(offset), spec: spec, random: FastRandom(seed: system.next()))
        }
        poller = try Poller(maxEvents: 4096)
        readBuffer = .allocate(byteCount: 256 * 1024, alignment: 16)
        let perLoopRate = configuration.rampPerSecond / Double(threads)
        rampIntervalNs = UInt64(1e9 / Swift.max(perLoopRate, 0.001))
    }

    deinit { readBuffer.deallocate() }

    // MARK: - The loop

    func run() {
        nowNs = MonotonicClock.nowNs()
        rampStartNs = nowNs
        lastTickNs = nowNs
        lastSweepNs = nowNs
        lastPublishNs = nowNs
        while true {
            let phase = control.currentPhase
            if phase == .stop { break }
            if phase == .load { openDueConnections() }
            poller.wait(timeoutMs: waitTimeoutMs(phase), woke: { nowNs = MonotonicClock.nowNs() }) { token, events in
                handle(token: token, events: events)
            }
            runTimers()
            if nowNs &- lastTickNs >= Self.tickNs {
                let elapsed = Double(nowNs &- lastTickNs) / 1e9
                lastTickNs = nowNs
                if phase == .load { churn(elapsedSeconds: elapsed) } else { closingStep() }
            }
            if nowNs &- lastSweepNs >= 1_000_000_000 {
                lastSweepNs = nowNs
                sweep()
            }
            flushDirty()
            if nowNs &- lastPublishNs >= Self.publishIntervalNs {
                lastPublishNs = nowNs
                publish()
            }
            if finished { break }
        }
        finalizeOutstanding()
        for connection in connections where connection.fd >= 0 { closeSocket(connection) }
        finished = true
        publish()
    }

    private func waitTimeoutMs(_ phase: RunPhase) -> Int32 {
        var dueNs = nowNs + 50_000_000
        if let next = timers.nextDueNs { dueNs = Swift.min(dueNs, next) }
        if phase == .load && opened < connections.count {
            dueNs = Swift.min(dueNs, rampStartNs + UInt64(opened) * rampIntervalNs)
        }
        guard dueNs > nowNs else { return 0 }
        return Int32((dueNs - nowNs + 999_999) / 1_000_000)
    }

    private func openDueConnections() {
        while opened < connections.count && rampStartNs + UInt64(opened) * rampIntervalNs <= nowNs {
            openSocket(connections[opened])
            opened += 1
        }
    }

    private func runTimers() {
        while let entry = timers.popDue(nowNs: nowNs) {
            guard Int(entry.slot) < connections.count else { continue }
            let connection = connections[Int(entry.slot)]
            guard connection.generation == entry.generation else { continue }
            switch connection.phase {
            case .waitingToReconnect:
                openSocket(connection)
            case .open:
                sendTick(connection, dueNs: entry.dueNs)
            case .pending, .connecting, .tlsHandshake, .upgrading, .closing, .done:
                continue
            }
        }
    }

    func schedule(_ connection: SoakConnection, atNs dueNs: UInt64) {
        timers.schedule(.init(dueNs: dueNs, slot: connection.slot, generation: connection.generation))
    }

    // MARK: - Connecting

    private func openSocket(_ connection: SoakConnection) {
        counters.connectAttempts += 1
        do {
            connection.fd = try ClientSocket.startConnect(to: address, from: connection.spec.source)
            connection.phase = .connecting
            connection.openedAtNs = nowNs
            try poller.register(connection.fd, token: connection.token, interest: [.read, .write])
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

    /// Retries with exponential backoff (100 ms … 5 s, jittered) unless the run is over for it.
    func scheduleReconnect(_ connection: SoakConnection) {
        let phase = control.currentPhase
        let owesWork: Bool
        if let editor = connection.editor { owesWork = editor.stage != .ended && editor.ledger.highestSent > 0 } else { owesWork = false }
        if phase == .stop || (phase == .closing && !owesWork) {
            connection.phase = .done
            return
        }
        connection.phase = .waitingToReconnect
        let exponent = Swift.min(connection.failures, 6)
        let baseMs = Swift.min(100 << exponent, 5_000)
        let delayMs = UInt64(baseMs / 2 + Int(connection.random.next() % UInt64(baseMs)))
        schedule(connection, atNs: nowNs + delayMs * 1_000_000)
    }

    private func handle(token: UInt64, events: IOEvents) {
        let slot = Int(UInt32(truncatingIfNeeded: token))
        guard slot < connections.count else { return }
        let connection = connections[slot]
        // Registration.swift's rule: an event for a closed (and maybe reused) fd is dropped.
        guard connection.generation == UInt32(truncatingIfNeeded: token >> 32), connection.fd >= 0 else { return }
        switch connection.phase {
        case .connecting:
            let error = ClientSocket.pendingError(connection.fd)
            guard error == 0 else {
                connectFailed(connection, "connect: \(String(cString: strerror(error)))")
                return
            }
            connected(connection)
        case .tlsHandshake:
            continueTLSHandshake(connection)
        case .upgrading, .open, .closing:
            if events.contains(.write) { flush(connection) }
            if connection.fd >= 0 && !events.isDisjoint(with: [.read, .hangup, .error]) { readable(connection) }
        case .pending, .waitingToReconnect, .done:
            return
        }
    }

    private func connected(_ connection: SoakConnection) {
        setInterest(connection, write: false)
        if let tlsContext {
            do {
                connection.tls = try TLSClientConnection(context: tlsContext, fd: connection.fd)
            } catch {
                connectFailed(connection, error.description)
                return
            }
            connection.phase = .tlsHandshake
            continueTLSHandshake(connection)
        } else {
            sendUpgrade(connection)
        }
    }

    private func continueTLSHandshake(_ connection: SoakConnection) {
        guard let step = connection.tls?.handshake() else { return }
        switch step {
        case .done: sendUpgrade(connection)
        case .wantRead: setInterest(connection, write: false)
        case .wantWrite: setInterest(connection, write: true)
        case .closed: connectFailed(connection, "TLS: connection closed during the handshake")
        case .failed(let reason): connectFailed(connection, reason)
        }
    }

    private func sendUpgrade(_ connection: SoakConnection) {
        var key: [UInt8] = []
        for _ in 0..<2 { withUnsafeBytes(of: connection.random.next()) { key.append(contentsOf: $0) } }
        let handshake = ClientHandshake(keyBytes: key, offersDeflate: configuration.compression)
        connection.handshake = handshake
        connection.output.append(contentsOf: handshake.request(target: target, token: connection.spec.token))
        connection.phase = .upgrading
        markDirty(connection)
    }

    func setInterest(_ connection: SoakConnection, write: Bool) {
        guard connection.fd >= 0, connection.watchesWrite != write else { return }
        connection.watchesWrite = write
        try? poller.modify(connection.fd, token: connection.token, interest: write ? [.read, .write] : [.read])
    }

    // MARK: - Reading

    private func readable(_ connection: SoakConnection) {
        for _ in 0..<8 {
            guard connection.fd >= 0 else { return }
            let count: Int
            if let step = connection.tls?.read(into: readBuffer) {
                switch step {
                case .done(let n): count = n
                case .wantRead: return
                case .wantWrite:
                    setInterest(connection, write: true)
                    return
                case .closed:
                    lost(connection, "server closed the TCP connection")
                    return
                case .failed(let reason):
                    lost(connection, reason)
                    return
                }
            } else {
                switch ClientSocket.read(connection.fd, into: readBuffer) {
                case .transferred(0):
                    lost(connection, "server closed the TCP connection")
                    return
                case .transferred(let n): count = n
                case .wouldBlock: return
                case .failed(let code):
                    lost(connection, "read: \(String(cString: strerror(code)))")
                    return
                }
            }
            counters.bytesReceived += Int64(count)
            received(connection, count)
            if count < readBuffer.count && !(connection.tls?.hasPendingPlaintext ?? false) { return }
        }
    }

    private func received(_ connection: SoakConnection, _ count: Int) {
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
            let transform = deflate.map { ClientDeflateTransform(parameters: $0) }
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

    private func processFrames(_ connection: SoakConnection, _ bytes: UnsafeMutableRawBufferPointer) {
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

    private func handleText(_ connection: SoakConnection, _ payload: UnsafeRawBufferPointer) {
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

    private func flushDirty() {
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
        guard connection.fd >= 0, connection.phase != .connecting, connection.phase != .tlsHandshake else { return }
        while !connection.output.isEmpty {
            let written: Int
            if connection.tls != nil {
                let step = connection.output.withUnsafeReadableBytes { bytes in connection.tls?.write(bytes) }
                switch step {
                case .done(let n)?: written = n
                case .wantWrite?, .wantRead?:
                    setInterest(connection, write: true)
                    return
                case .closed?, nil:
                    lost(connection, "TLS connection closed while writing")
                    return
                case .failed(let reason)?:
                    lost(connection, reason)
                    return
                }
            } else {
                let result = connection.output.withUnsafeReadableBytes { ClientSocket.write(connection.fd, $0) }
                switch result {
                case .transferred(let n): written = n
                case .wouldBlock:
                    setInterest(connection, write: true)
                    return
                case .failed(let code):
                    lost(connection, "write: \(String(cString: strerror(code)))")
                    return
                }
            }
            counters.bytesSent += Int64(written)
            connection.output.consume(written)
        }
        setInterest(connection, write: false)
        if connection.output.capacity > 64 * 1024 { connection.output.reset(keepingCapacityUpTo: 4096) }
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

    // MARK: - Periodic work

    private func churn(elapsedSeconds: Double) {
        guard configuration.churnPerSecond > 0 else { return }
        churnCredit += configuration.churnPerSecond / Double(configuration.threads) * elapsedSeconds
        var tries = 0
        while churnCredit >= 1 && tries < 16 {
            tries += 1
            guard !connections.isEmpty else { return }
            let pick = connections[Int(churnRandom.next() % UInt64(connections.count))]
            guard pick.phase == .open, let editor = pick.editor, editor.stage == .active else { continue }
            churnCredit -= 1
            counters.churned += 1
            closeSocket(pick)
            editor.ledger.connectionLost()
            scheduleReconnect(pick)
        }
    }

    /// Once a second: activities without an answer, stuck connects, summaries not coming.
    private func sweep() {
        let answerDeadline = nowNs &- UInt64(configuration.answerTimeoutMs) * 1_000_000
        for connection in connections {
            switch connection.phase {
            case .connecting, .tlsHandshake, .upgrading:
                if nowNs &- connection.openedAtNs > Self.connectTimeoutNs {
                    connectFailed(connection, "connect/upgrade timed out after \(Self.connectTimeoutNs / 1_000_000_000) s")
                }
            case .closing:
                if nowNs &- connection.openedAtNs > 5_000_000_000 { finishClosed(connection) }
            case .open:
                guard let editor = connection.editor, nowNs > answerDeadline, nowNs > UInt64(configuration.answerTimeoutMs) * 1_000_000 else { continue }
                for seq in editor.ledger.expireInFlight(sentBeforeNs: answerDeadline) {
                    record(.activityUnanswered, "session \(editor.key) seq \(seq): no flow after \(configuration.answerTimeoutMs) ms")
                }
                if editor.stage == .ending && editor.endSentAtNs < answerDeadline {
                    record(.summaryMissing, "session \(editor.key): no session.summary \(configuration.answerTimeoutMs) ms after session.end")
                    editor.stage = .ended
                    sessionFinished(connection)
                }
            case .pending, .waitingToReconnect, .done:
                continue
            }
        }
    }

    /// Closing phase, every tick: end sessions whose answers are in, close dashboards.
    private func closingStep() {
        var allDone = true
        for connection in connections {
            switch connection.phase {
            case .pending:
                connection.phase = .done
            case .open:
                allDone = false
                if let editor = connection.editor {
                    if editor.stage == .active && editor.ledger.inFlightCount == 0 { sendEnd(connection) }
                    if editor.stage == .ended { startClose(connection) }
                } else {
                    startClose(connection)
                }
            case .connecting, .tlsHandshake, .upgrading, .waitingToReconnect:
                if !connection.everConnected || connection.editor == nil {
                    closeSocket(connection)
                    connection.phase = .done
                } else {
                    allDone = false
                }
            case .closing:
                allDone = false
            case .done:
                continue
            }
        }
        if allDone { finished = true }
    }

    /// Stop phase: what never came is a violation.
    private func finalizeOutstanding() {
        for connection in connections {
            if let editor = connection.editor, editor.stage != .ended {
                for seq in editor.ledger.expireInFlight(sentBeforeNs: .max) {
                    record(.activityUnanswered, "session \(editor.key) seq \(seq): no flow by the end of the run")
                }
                if editor.ledger.highestSent > 0 {
                    record(.summaryMissing, "session \(editor.key): no session.summary by the end of the run (stage \(editor.stage))")
                }
            }
            for check in connection.channels where !check.sawSnapshot && connection.everConnected {
                record(.snapshotMissing, "channel \(check.channel): no snapshot event after subscribe")
            }
        }
    }

    private func publish() {
        control.snapshots[index].mutex.withLock { snapshot in
            snapshot.counters = counters
            snapshot.pendingLatency.add(latency)
            if violationsChanged { snapshot.violations = violations }
            snapshot.errorsByCode = errorsByCode
            snapshot.firstConnectFailure = firstConnectFailure
            snapshot.finished = finished
        }
        latency.reset()
        violationsChanged = false
    }
}
