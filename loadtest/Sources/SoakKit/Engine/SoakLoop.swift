import Glibc
import Histogram
import LoopKit
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
    let epoll: Epoll
    var timers = TimerQueue()
    var dirty: [Int32] = []
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Ciphertext as read from a `wss://` socket, before its session decrypts it into
    /// `readBuffer`.
    let cipherBuffer: UnsafeMutableRawBufferPointer
    var parser = JSONParser(limits: JSONLimits(maxDepth: 16, maxValues: 100_000, maxInputBytes: 1 << 20))
    var writer = ClientMessageWriter()
    var counters = SoakCounters()
    var latency = LatencySummary.makeHistogram()
    /// Round trips during reconnect storms (also in `latency`).
    var stormLatency = LatencySummary.makeHistogram()
    /// This loop's share of the storm going on now, and of those that are over.
    var currentStorm: ResumeStorm?
    var stormShares: [ResumeStorm] = []
    /// Round trips count as the last storm's until then.
    var stormTailUntilNs: UInt64 = 0
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
    /// permessage-deflate as a client: zlib's level 6 with a small hash table (memLevel 5);
    /// messages under 64 bytes go uncompressed.
    static let clientDeflate = DeflateConfiguration(memLevel: 5, compressionLevel: 6, compressionThreshold: 64)

    init(index: Int, configuration: SoakConfiguration, target: SoakTarget, address: sockaddr_in,
         tlsContext: TLSClientContext?, control: SoakControl, specs: [ConnectionSpec], threads: Int) throws(SocketError) {
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
        epoll = try Epoll(maxEvents: 4096)
        readBuffer = .allocate(byteCount: 256 * 1024, alignment: 16)
        cipherBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
        let perLoopRate = configuration.rampPerSecond / Double(threads)
        rampIntervalNs = UInt64(1e9 / Swift.max(perLoopRate, 0.001))
    }

    deinit {
        readBuffer.deallocate()
        cipherBuffer.deallocate()
    }

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
            epoll.wait(timeoutMs: waitTimeoutMs(phase), woke: { nowNs = MonotonicClock.nowNs() }) { token, events in
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

    func openDueConnections() {
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
                    ended(editor)
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
            snapshot.pendingStormLatency.add(stormLatency)
            snapshot.stormShares = stormShares
            snapshot.currentStorm = currentStorm
            if violationsChanged { snapshot.violations = violations }
            snapshot.errorsByCode = errorsByCode
            snapshot.firstConnectFailure = firstConnectFailure
            snapshot.finished = finished
        }
        latency.reset()
        stormLatency.reset()
        violationsChanged = false
    }
}
