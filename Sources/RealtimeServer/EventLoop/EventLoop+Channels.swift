import Persistence
import CoachingCore
import FlowEngine
import Logging
import WSProtocol
import WireJSON

/// Channels on `/v1/ws`: subscribe with a snapshot, fan-out of shared frames from the
/// leaderboard owner, and `stats:me` built on the user's home loop.
extension EventLoop {
    func subscribe(_ connection: ClientConnection, _ user: UserState, channel: String, ref: RequestID?) {
        let name: ChannelName
        do {
            name = try ChannelName(parsing: channel)
        } catch {
            rejectMessage(connection, AppError(.invalidField, error.message, ref: ref))
            return
        }
        switch ChannelSubscriber(userId: user.userId, teamIds: user.teamIds).access(to: name) {
        case .forbidden(let denial):
            rejectMessage(connection, AppError(.forbidden, denial.message, ref: ref))
        case .allowed(let key):
            do {
                try registry.subscribe(connection.token, userId: user.userId, to: key)
            } catch {
                rejectMessage(connection, AppError(.tooLarge,
                    "channel: at most \(registry.configuration.maxSubscriptionsPerConnection) subscriptions per connection (limits.subscriptions_per_connection); unsubscribe from one first",
                    ref: ref))
                return
            }
            encoder.subscribed(channel: channel, ref: ref)
            sendEncoded(connection)
            let snapshot: ChannelEvent?
            if case .userStats = key {
                let event = statsEvent(for: user)
                user.lastStatsDigest = event.frame.bytes.hashValue
                snapshot = event
            } else {
                snapshot = services?.leaderboards.latest(for: key)
            }
            if let snapshot { deliverSnapshot(snapshot, to: connection) }
        }
    }

    func unsubscribe(_ connection: ClientConnection, channel: String, ref: RequestID?) {
        guard let userId = connection.coaching?.userId else { return }
        let name: ChannelName
        do {
            name = try ChannelName(parsing: channel)
        } catch {
            rejectMessage(connection, AppError(.invalidField, error.message, ref: ref))
            return
        }
        registry.unsubscribe(connection.token, from: name.key(forUser: userId))
        encoder.unsubscribed(channel: channel, ref: ref)
        sendEncoded(connection)
    }

    private func deliverSnapshot(_ event: ChannelEvent, to connection: ClientConnection) {
        let token = connection.token
        registry.deliver(event, to: token, isBackedUp: !connection.pendingOutput.isEmpty, asSnapshot: true) { bytes in
            writeFrame(bytes, to: connection)
        }
    }

    /// An event from the leaderboard owner (or a local `stats:me` publication): the shared
    /// frame goes to every subscriber on this loop; slow readers keep only the latest.
    func publish(_ event: ChannelEvent) {
        registry.publish(event, isBackedUp: { token in
            guard let connection = connection(for: token) else { return true }
            return !connection.pendingOutput.isEmpty
        }, write: { token, bytes in
            guard let connection = connection(for: token) else { return }
            writeFrame(bytes, to: connection)
            flush(connection)
        })
    }

    /// Appends one complete pre-encoded frame to the connection's output.
    private func writeFrame(_ bytes: UnsafeRawBufferPointer, to connection: ClientConnection) {
        guard connection.endpoint?.state == .open else { return }
        cork.append(bytes)
        stats.add(.channelEventsSent)
        stats.add(.messagesSent)
    }

    /// Frames held for a slow reader whose output has drained.
    func deliverHeldFrames(_ connection: ClientConnection) {
        guard registry.hasPending(connection.token) else { return }
        for frame in registry.drained(connection.token) {
            frame.bytes.withUnsafeBytes { writeFrame($0, to: connection) }
        }
    }

    // MARK: stats:me

    /// Publishes `stats:me` of users whose stats changed, at most once per publish interval.
    func publishUserStats() {
        guard let services else { return }
        for user in users.values where user.statsDirty && nowMs - user.lastStatsPublishMono >= services.settings.publishIntervalMs {
            user.statsDirty = false
            user.lastStatsPublishMono = nowMs
            let key = ChannelKey.userStats(userId: user.userId)
            guard registry.subscriberCount(of: key) > 0 else { continue }
            let event = statsEvent(for: user)
            let digest = event.frame.bytes.hashValue
            guard digest != user.lastStatsDigest else { continue }  // only when it changed
            user.lastStatsDigest = digest
            publish(event)
        }
    }

    /// `{"type":"event","channel":"stats:me","data":{…}}` for `user` (PROTOCOL.md: today's
    /// and this week's active, flow and coding time, streak, each live session's state).
    func statsEvent(for user: UserState) -> ChannelEvent {
        let wallMs = wallClockMs()
        let today = DayTally.dayIndex(atMs: wallMs, utcOffsetMs: user.utcOffsetMs)
        let monday = today - ((today % 7) + 7 + 3) % 7
        let todayKey = PeriodKeys(daysSinceEpoch: today).day
        let mondayKey = PeriodKeys(daysSinceEpoch: monday).day
        var todayTotals = StatsTotals()
        var weekTotals = StatsTotals()
        for day in user.storedDays where day.day >= mondayKey {
            weekTotals.add(activeMs: day.activeMs, flowMs: day.flowMs)
            if day.day == todayKey { todayTotals.add(activeMs: day.activeMs, flowMs: day.flowMs) }
        }
        // Live sessions: what they added since this state was created (what they stored
        // before is in `storedDays`; `base` covers a restart).
        for session in user.sessions.values {
            for tally in session.days where tally.day >= monday {
                weekTotals.add(activeMs: tally.activeMs, flowMs: tally.flowMs)
                if tally.day == today { todayTotals.add(activeMs: tally.activeMs, flowMs: tally.flowMs) }
            }
        }
        var writer = JSONWriter(capacity: 512)
        writer.beginObject()
        writer.key("type"); writer.value("event")
        writer.key("channel"); writer.value("stats:me")
        writer.key("data")
        writer.beginObject()
        writer.key("today")
        todayTotals.write(into: &writer)
        writer.key("week")
        weekTotals.write(into: &writer)
        writer.key("streak_days"); writer.value(user.coach.days.streakDays)
        writer.key("sessions")
        writer.beginArray()
        for session in user.sessions.values.sorted(by: { $0.startedAtMs < $1.startedAtMs }) where !session.ended {
            let assessment = session.flow.lastAssessment
            writer.beginObject()
            writer.key("session"); writer.value(string: session.idText)
            writer.key("state"); writer.value(string: assessment.state.wireName)
            writer.key("in_flow"); writer.value(assessment.inFlow)
            writer.key("flow_ms"); writer.value(assessment.flowMs)
            writer.key("connected"); writer.value(session.connection != nil)
            if let project = session.project {  // the user's own channel: always their project names
                writer.key("project"); writer.value(string: project)
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        writer.endObject()
        let frame = writer.withUnsafeBytes { SharedFrame(textPayload: $0) }
        return ChannelEvent(key: .userStats(userId: user.userId), frame: frame)
    }

    // MARK: Purge

    /// `DELETE /v1/privacy/data` reached this loop: drop the user's live state and
    /// subscriptions at once (their sockets stay; their data is gone).
    func purgeLiveState(of userId: String) {
        guard let user = users[userId] else { return }
        defer {
            // Checkpoints this loop queued before it dropped the sessions may still reach the
            // store after the API's purge: purge again behind them, and the boards too.
            if let services {
                services.leaderboards.post(.purge(userId: userId))
                let logger = logger
                services.writer.submit { store in
                    do {
                        try store.purgeUser(id: userId, deleteAccount: false)
                    } catch {
                        logger.error("second purge failed", metadata: ["user": "\(userId)", "error": "\(error)"])
                    }
                }
            }
        }
        for session in user.sessions.values {
            if let token = session.connection, let connection = connection(for: token) {
                connection.coaching?.sessions.removeAll { $0 == session.id }
            }
            stats.add(.sessionsLive, -1)
        }
        user.sessions.removeAll()
        pendingScores = pendingScores.filter { $0.key.userId != userId }
        user.storedDays = []
        user.statsDirty = true
    }
}

/// Active, flow and coding time of one period in `stats:me` (coding time is active time:
/// typing or focus in the editor).
private struct StatsTotals {
    var activeMs: Int64 = 0
    var flowMs: Int64 = 0

    mutating func add(activeMs: Int64, flowMs: Int64) {
        self.activeMs += activeMs
        self.flowMs += flowMs
    }

    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("active_ms"); writer.value(activeMs)
        writer.key("flow_ms"); writer.value(flowMs)
        writer.key("coding_ms"); writer.value(activeMs)
        writer.endObject()
    }
}
