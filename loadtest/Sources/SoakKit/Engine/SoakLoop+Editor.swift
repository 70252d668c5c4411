import Histogram
import LoopKit

/// Simulated editors: session start and resume, activities on a timer (or as fast as answers
/// come back), the ledger's checks, session end and summary.
extension SoakLoop {
    static let languages = ["swift", "rust", "go", "python", "typescript", "kotlin"]

    /// The WebSocket is open: an editor starts (or resumes) its session, a dashboard subscribes.
    func webSocketOpened(_ connection: SoakConnection) {
        connection.openedWebSocketAtNs = nowNs
        switch connection.spec.role {
        case .editor(let user, let session):
            if connection.editor == nil { connection.editor = makeSession(user: user, session: session, number: 0) }
            sendStart(connection)
        case .dashboard:
            connection.channels = configuration.channels.map { ChannelRateCheck(channel: $0) }
            for channel in configuration.channels {
                writer.subscribe(channel, id: "sub")
                sendMessage(connection)
            }
        }
    }

    func makeSession(user: Int, session: Int, number: Int) -> EditorSession {
        let profile: TypistProfile
        if let known = profiles[user] {
            profile = known
        } else {
            var people = FastRandom(seed: configuration.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(user))
            profile = TypistProfile.random(using: &people)
            profiles[user] = profile
        }
        var shapes = FastRandom(seed: configuration.seed ^ (UInt64(user) << 24) ^ (UInt64(session) << 8) ^ UInt64(number) &* 0xD6E8_FEB8_6659_FD93)
        let generator = ActivityGenerator(profile: profile, windowMs: Int64(configuration.windowMs),
                                          startMs: WallClock.nowMs(), using: &shapes)
        var ids = SystemRandomNumberGenerator()
        return EditorSession(
            key: SessionKey.random(using: &ids), generator: generator, shapes: shapes,
            project: "soak-\(user % 7)", language: Self.languages[(user + session) % Self.languages.count], number: number)
    }

    func sendStart(_ connection: SoakConnection) {
        guard let editor = connection.editor else { return }
        editor.stage = .starting
        writer.sessionStart(editor.key, project: editor.project, language: editor.language,
                            atMs: editor.generator.clockMs, id: "start")
        sendMessage(connection)
    }

    func editorReceived(_ connection: SoakConnection, _ message: ServerMessage) {
        guard let editor = connection.editor else { return }
        switch message {
        case .welcome, .ack, .pong, .breakReminder, .other, .subscribed, .unsubscribed, .event:
            return
        case .sessionStarted(let session, let resumed, let lastSeq, let durableSeq):
            guard session == editor.key, editor.stage == .starting else {
                record(.foreignSession, "session.started for \(session) while holding \(editor.key) (stage \(editor.stage))")
                return
            }
            let wasResume = editor.ledger.highestSent > 0
            let outcome = editor.ledger.receivedStarted(resumed: resumed, lastSeq: lastSeq, durableSeq: durableSeq)
            for finding in outcome.findings { record(finding.kind, "session \(editor.key): \(finding.detail)") }
            if outcome.notResumed && configuration.expectRestarts == 0 {
                record(.sessionNotResumed, "session \(editor.key) with \(editor.ledger.highestSent) activities: resumed false")
            }
            if wasResume { counters.sessionsResumed += 1 } else { counters.sessionsStarted += 1 }
            sessionBack(connection)
            for window in outcome.replay {
                writer.activity(editor.key, window)
                sendMessage(connection)
                editor.ledger.resent(seq: window.seq, atNs: nowNs)
                counters.activitiesReplayed += 1
            }
            editor.stage = .active
            if editor.wantsEnd {
                sendEnd(connection)
            } else {
                startSending(connection, resumed: wasResume)
            }
        case .flow(let session, let seq, _):
            guard session == editor.key else {
                record(.foreignSession, "flow for \(session) while holding \(editor.key)")
                return
            }
            switch editor.ledger.receivedFlow(seq: seq, atNs: nowNs) {
            case .answered(let latencyNs):
                counters.flowsAnswered += 1
                _ = latency.record(Swift.max(1, latencyNs / 1000))
                if stormLatencyActive { _ = stormLatency.record(Swift.max(1, latencyNs / 1000)) }
                if editor.stage == .active {
                    if configuration.intervalMs == 0 {
                        pump(connection)
                    } else if sessionComplete(editor) && editor.ledger.inFlightCount == 0 {
                        sendEnd(connection)
                    }
                }
            case .unsolicited:
                counters.flowsUnsolicited += 1
            case .violation(let finding):
                record(finding.kind, "session \(editor.key): \(finding.detail)")
            }
        case .durable(let session, let seq):
            guard session == editor.key else { return }  // a checkpoint of an ended session may trail its summary
            counters.durableAcks += 1
            let wasDurable = editor.ledger.durableSeq > 0
            if let finding = editor.ledger.receivedDurable(seq: seq) { record(finding.kind, "session \(editor.key): \(finding.detail)") }
            if !wasDurable && editor.ledger.durableSeq > 0 { counters.sessionsDurable += 1 }
        case .summary(let session, let totals):
            guard session == editor.key, editor.stage == .ending else {
                record(.foreignSession, "session.summary for \(session) while holding \(editor.key) (stage \(editor.stage))")
                return
            }
            counters.summariesReceived += 1
            if let finding = editor.ledger.checkSummary(totals) {
                record(finding.kind, finding.detail)
            } else {
                counters.summariesMatched += 1
            }
            ended(editor)
            sessionFinished(connection)
        case .error(_, _, let ref):
            // Already counted as unexpected. A refused start or end leaves nothing to wait for.
            if ref == "start" || ref == "end" {
                ended(editor)
                sessionFinished(connection)
            }
        }
    }

    /// The session ended: during the load a new one starts on the same connection; in the
    /// closing phase the connection closes.
    func sessionFinished(_ connection: SoakConnection) {
        guard connection.phase == .open, case .editor(let user, let session) = connection.spec.role else { return }
        if control.currentPhase == .load, let previous = connection.editor {
            connection.editor = makeSession(user: user, session: session, number: previous.number + 1)
            sendStart(connection)
        } else {
            startClose(connection)
        }
    }

    /// First activity: spread over one interval so that neither a ramp nor a reconnect storm
    /// synchronises the sessions (with `--no-jitter` a resumed session sends at once).
    func startSending(_ connection: SoakConnection, resumed: Bool) {
        guard let editor = connection.editor else { return }
        guard configuration.intervalMs > 0 else {
            pump(connection)
            return
        }
        let intervalNs = UInt64(configuration.intervalMs) * 1_000_000
        editor.nextSendNs = nowNs + configuration.jitter.firstSendDelayNs(
            resumed: resumed, intervalNs: intervalNs, using: &connection.random)
        schedule(connection, atNs: editor.nextSendNs)
    }

    /// A send timer fired.
    func sendTick(_ connection: SoakConnection, dueNs: UInt64) {
        guard let editor = connection.editor, editor.stage == .active, dueNs == editor.nextSendNs,
              control.currentPhase == .load
        else { return }
        if configuration.intervalMs == 0 {
            editor.nextSendNs = 0
            pump(connection)
            return
        }
        if sessionComplete(editor) {
            if editor.ledger.inFlightCount == 0 { sendEnd(connection) }
            return
        }
        if editor.ledger.inFlightCount < configuration.pipeline { _ = sendActivity(connection, editor) }
        let intervalNs = UInt64(configuration.intervalMs) * 1_000_000
        var next = dueNs + intervalNs
        if next <= nowNs { next = nowNs + intervalNs }  // fell behind: keep the rate, skip the backlog
        editor.nextSendNs = next
        schedule(connection, atNs: next)
    }

    /// Interval 0: keep `pipeline` activities in flight, at most `maxRatePerConnection` a second.
    func pump(_ connection: SoakConnection) {
        guard let editor = connection.editor else { return }
        let gapNs = configuration.maxRatePerConnection > 0 ? UInt64(1e9 / configuration.maxRatePerConnection) : 0
        while control.currentPhase == .load, editor.stage == .active, editor.ledger.inFlightCount < configuration.pipeline,
              !sessionComplete(editor) {
            if gapNs > 0 && nowNs < editor.nextAllowedNs {
                // Paced: one timer armed at the next allowed moment.
                if editor.nextSendNs == 0 {
                    editor.nextSendNs = editor.nextAllowedNs
                    schedule(connection, atNs: editor.nextAllowedNs)
                }
                return
            }
            if !sendActivity(connection, editor) { return }
            editor.nextAllowedNs = Swift.max(nowNs, editor.nextAllowedNs) + gapNs
        }
        if sessionComplete(editor) && editor.ledger.inFlightCount == 0 && editor.stage == .active { sendEnd(connection) }
    }

    func sendActivity(_ connection: SoakConnection, _ editor: EditorSession) -> Bool {
        guard control.takeMessage() else { return false }
        let window = editor.generator.next(using: &editor.shapes)
        writer.activity(editor.key, window)
        sendMessage(connection)
        editor.ledger.sent(window, atNs: nowNs)
        counters.activitiesSent += 1
        return true
    }

    func sendEnd(_ connection: SoakConnection) {
        guard let editor = connection.editor else { return }
        editor.wantsEnd = true
        editor.stage = .ending
        editor.endSentAtNs = nowNs
        writer.sessionEnd(editor.key, seq: editor.ledger.highestSent, atMs: editor.generator.clockMs, id: "end")
        sendMessage(connection)
    }

    /// Nothing more comes for `editor`'s session.
    func ended(_ editor: EditorSession) {
        if editor.stage != .ended && editor.ledger.durableSeq > 0 { counters.sessionsDurable -= 1 }
        editor.stage = .ended
    }

    func sessionComplete(_ editor: EditorSession) -> Bool {
        configuration.sessionWindows > 0 && editor.ledger.highestSent >= Int64(configuration.sessionWindows)
    }

    func dashboardReceived(_ connection: SoakConnection, _ message: ServerMessage) {
        guard case .event(let channel, let ownRankOnly) = message else { return }
        counters.channelEvents += 1
        guard let index = connection.channels.firstIndex(where: { $0.channel == channel }) else { return }
        if let finding = connection.channels[index].receivedEvent(nowMs: Int64(nowNs / 1_000_000), ownRankOnly: ownRankOnly) {
            record(finding.kind, finding.detail)
        }
    }
}
