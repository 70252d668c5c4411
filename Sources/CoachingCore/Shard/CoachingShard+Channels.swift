import FlowEngine
import WSProtocol
import WireJSON

/// Channels on `/v1/ws`: subscribe with a snapshot, the fan-out of shared frames, and
/// `stats:me` built on the user's home loop.
extension CoachingShard {
    public func subscribe(_ connection: CoachingConnection, _ user: UserState, channel: String, ref: RequestID?) {
        let name: ChannelName
        do {
            name = try ChannelName(parsing: channel)
        } catch {
            reject(connection, AppError(.invalidField, error.message, ref: ref))
            return
        }
        switch ChannelSubscriber(userId: user.userId, teamIds: user.teamIds).access(to: name) {
        case .forbidden(let denial):
            reject(connection, AppError(.forbidden, denial.message, ref: ref))
        case .allowed(let key):
            do {
                try registry.subscribe(connection.id, userId: user.userId, to: key)
            } catch {
                reject(connection, AppError(.tooLarge,
                    "channel: at most \(registry.configuration.maxSubscriptionsPerConnection) subscriptions per connection (limits.subscriptions_per_connection); unsubscribe from one first",
                    ref: ref))
                return
            }
            accepted(connection)
            encoder.subscribed(channel: channel, ref: ref)
            sendEncoded(connection)
            let snapshot: ChannelEvent?
            if case .userStats = key {
                let event = statsEvent(for: user)
                user.lastStatsDigest = event.frame.bytes.hashValue
                snapshot = event
            } else {
                snapshot = shell.latestSnapshot(for: key)
            }
            if let snapshot { shell.perform(.deliverSnapshot(connection.id, snapshot)) }
        }
    }

    public func unsubscribe(_ connection: CoachingConnection, _ user: UserState, channel: String, ref: RequestID?) {
        let name: ChannelName
        do {
            name = try ChannelName(parsing: channel)
        } catch {
            reject(connection, AppError(.invalidField, error.message, ref: ref))
            return
        }
        registry.unsubscribe(connection.id, from: name.key(forUser: user.userId))
        accepted(connection)
        encoder.unsubscribed(channel: channel, ref: ref)
        sendEncoded(connection)
    }

    // MARK: Delivery (the shell knows which connections are backed up and writes)

    /// Fans `event` out to this loop's subscribers of its channel; slow readers keep only
    /// the latest frame per channel.
    public func publish(
        _ event: ChannelEvent, isBackedUp: (ConnectionID) -> Bool, write: (ConnectionID, UnsafeRawBufferPointer) -> Void
    ) {
        registry.publish(event, isBackedUp: isBackedUp, write: write)
    }

    /// Delivers a snapshot to one new subscriber.
    public func deliverSnapshot(
        _ event: ChannelEvent, to id: ConnectionID, isBackedUp: Bool, write: (UnsafeRawBufferPointer) -> Void
    ) {
        registry.deliver(event, to: id, isBackedUp: isBackedUp, asSnapshot: true, write: write)
    }

    /// Whether frames are held for a slow reader.
    public func hasHeldFrames(for id: ConnectionID) -> Bool { registry.hasPending(id) }

    /// The frames held for a reader whose output has drained (the latest per channel).
    public func takeHeldFrames(for id: ConnectionID) -> [SharedFrame] { registry.drained(id) }

    // MARK: stats:me

    /// Publishes `user`'s `stats:me` when it changed, at most once per publish interval (to
    /// subscribers, when there are any, and only when the payload differs from the last).
    func publishStatsIfDue(of user: UserState) {
        guard user.statsDirty && now.monotonicMs - user.lastStatsPublishMono >= settings.publishIntervalMs else { return }
        user.statsPublished(atMono: now.monotonicMs)
        let key = ChannelKey.userStats(userId: user.userId)
        guard registry.subscriberCount(of: key) > 0 else { return }
        let event = statsEvent(for: user)
        let digest = event.frame.bytes.hashValue
        guard digest != user.lastStatsDigest else { return }  // only when it changed
        user.lastStatsDigest = digest
        shell.perform(.publishLocally(event))
    }

    /// `{"type":"event","channel":"stats:me","data":{…}}` for `user` (PROTOCOL.md: today's
    /// and this week's active, flow and coding time, streak, each live session's state).
    public func statsEvent(for user: UserState) -> ChannelEvent {
        let today = DayTally.dayIndex(atMs: now.wallMs, utcOffsetMs: user.utcOffsetMs)
        let monday = LocalTime.startOfWeek(containingDay: today)
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
        writer.key("streak_days"); writer.value(streakDays(of: user, today: today))
        writer.key("streak_weeks"); writer.value(streakWeeks(of: user, today: today))
        writer.key("goal"); writeGoal(of: user, today: today, into: &writer)
        writer.key("sessions")
        writer.beginArray()
        for session in user.sessions.values.sorted(by: { $0.startedAtMs < $1.startedAtMs }) where !session.ended {
            let assessment = session.flow.lastAssessment
            writer.beginObject()
            writer.key("session"); session.id.withText { writer.value(utf8: $0) }
            writer.key("state"); writer.value(string: assessment.state.wireName)
            writer.key("in_flow"); writer.value(assessment.inFlow)
            writer.key("flow_ms"); writer.value(assessment.flowMs)
            writer.key("connected"); writer.value(session.carrier != nil)
            if let reason = assessment.reason.wireName { writer.key("reason"); writer.value(string: reason) }
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

    /// `DELETE /v1/privacy/data` reached this loop: drop the user's live state and close
    /// their open connections with 1008 (reason `user data purged`). A connection left open
    /// would carry sessions and subscriptions that no longer exist; the token still works,
    /// so a client reconnects and starts afresh.
    public func purge(userId: String, at time: CoachingTime) {
        now = time
        guard let user = users[userId] else { return }
        for connection in user.connections where !connection.closing {
            close(connection, .policyViolation, reason: "user data purged")
        }
        for session in user.sessions.values {
            session.carrier?.sessions.removeAll { $0 === session }
            stats.add(.sessionsLive, -1)
            retire(session)
        }
        user.sessions.removeAll()
        pendingScores = pendingScores.filter { $0.key.userId != userId }
        user.storedDays = []
        statsChanged(user)
        // Checkpoints this loop queued before it dropped the sessions may still reach the
        // store after the API's purge: purge again behind them, and the boards too.
        shell.perform(.leaderboard(.purge(userId: userId)))
        _ = shell.submit(StoreJob(name: "second purge", userId: userId) { store throws(StoreError) in
            _ = try store.purgeUser(id: userId, deleteAccount: false)
        })
    }
}

/// Active, flow and coding time of one period in `stats:me` (coding time is active time:
/// typing or focus in the editor).
private struct StatsTotals {
    public var activeMs: Int64 = 0
    public var flowMs: Int64 = 0

    public mutating func add(activeMs: Int64, flowMs: Int64) {
        self.activeMs += activeMs
        self.flowMs += flowMs
    }

    public func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("active_ms"); writer.value(activeMs)
        writer.key("flow_ms"); writer.value(flowMs)
        writer.key("coding_ms"); writer.value(activeMs)
        writer.endObject()
    }
}
