import CoachingCore
import Glibc
import Logging
import LoopKit
import Persistence
import Synchronization

/// The cluster thread's state and loop (see ``ClusterNode``). Lives on that thread only.
struct ClusterWorker {
    /// A token check waiting for another node to hand the user over.
    private struct Waiting {
        var token: String
        var fromDay: String
        var userId: String
        var reply: @Sendable (AuthOutcome) -> Void
        var deadlineMs: Int64
        var nextAskMs: Int64
    }

    private enum Holding { case owned, releasing }

    private static let pollMs: Int32 = 20
    private static let retryLockMs: Int64 = 100
    private static let askAgainMs: Int64 = 1_000
    private static let scoreFlushMs: Int64 = 200
    private static let reconnectMs: Int64 = 500
    /// A user taken less than this ago is not handed over yet (the asking node asks again
    /// every second): two connections of one user that reach two nodes (no routing key, or
    /// the balancer's view changing) would otherwise bounce the user between them.
    private static let minimumHoldMs: Int64 = 1_500

    private let node: ClusterNode
    private let settings: ClusterSettings
    private let mailboxes: [LoopMailbox]
    private let leaderboards: LeaderboardOwner
    private let logger: Logger
    private var connection: ClusterConnection?
    private var holding: [String: Holding] = [:]
    private var takenAtMs: [String: Int64] = [:]
    private var waiting: [Waiting] = []
    private var dirtyScores: Set<String> = []
    private var nextHeartbeatMs: Int64 = 0
    private var nextRetryMs: Int64 = 0
    private var nextScoreFlushMs: Int64 = 0
    private var nextReconnectMs: Int64 = 0

    init(node: ClusterNode, connection: ClusterConnection?) {
        self.node = node
        (settings, mailboxes, leaderboards, logger) = node.context
        self.connection = connection
    }

    mutating func run() {
        while !node.isStopping {
            let now = MonotonicClock.nowMs()
            if connection?.isOpen != true { reconnect(now: now) }
            do {
                try step(now: now)
            } catch {
                sessionLost(error)
            }
        }
        // Graceful stop (the writer has flushed): leave the registry; closing the session
        // releases every lock.
        if let connection, connection.isOpen { try? connection.deregister(nodeId: node.nodeId) }
        connection?.close()
        node.setReady(false)
        for request in node.takeRequests() {
            if case .claim(_, _, _, let reply) = request { reply(.unavailable) }
        }
        for entry in waiting { entry.reply(.unavailable) }
    }

    private mutating func step(now: Int64) throws(ClusterConnectionError) {
        let requests = node.takeRequests()
        for (index, request) in requests.enumerated() {
            do {
                switch request {
                case .claim(let userId, let token, let fromDay, let reply):
                    try claim(userId, token: token, fromDay: fromDay, reply: reply, now: now)
                case .relinquished(let userId):
                    guard holding[userId] == .releasing else { continue }
                    holding[userId] = nil
                    node.counters.usersReleased.add(1, ordering: .relaxed)
                    if let connection, connection.isOpen { try connection.unlock(userId: userId) }
                case .announce(let notice):
                    guard let connection, connection.isOpen else { continue }
                    try connection.notify(notice)
                    node.counters.noticesSent.add(1, ordering: .relaxed)
                }
            } catch {
                // Every check still queued is answered: the session that would lock is gone.
                for case .claim(_, _, _, let reply) in requests[(index + 1)...] { reply(.unavailable) }
                throw error
            }
        }
        if now >= nextRetryMs {
            nextRetryMs = now + Self.retryLockMs
            try retryWaiting(now: now)
        }
        guard let connection, connection.isOpen else {
            // No session: wait for the next reconnect attempt without spinning.
            var pause = timespec(tv_sec: 0, tv_nsec: Int(Self.pollMs) * 1_000_000)
            nanosleep(&pause, nil)
            return
        }
        if now >= nextHeartbeatMs {
            nextHeartbeatMs = now + settings.heartbeatMs
            let live = try connection.heartbeat(nodeId: node.nodeId, liveWithinMs: settings.heartbeatMs * 5)
            node.counters.liveNodes.store(live, ordering: .relaxed)
        }
        for notice in try connection.receive(timeoutMs: Self.pollMs) { try heard(notice) }
        if now >= nextScoreFlushMs && !dirtyScores.isEmpty {
            nextScoreFlushMs = now + Self.scoreFlushMs
            try flushScores()
        }
    }

    // MARK: Ownership

    /// Answers `reply` exactly once, or adds the claim to ``waiting`` (answered later).
    private mutating func claim(
        _ userId: String, token: String, fromDay: String, reply: @escaping @Sendable (AuthOutcome) -> Void, now: Int64
    ) throws(ClusterConnectionError) {
        do {
            try take(userId, token: token, fromDay: fromDay, reply: reply, now: now)
        } catch {
            reply(.unavailable)
            throw error
        }
    }

    private mutating func take(
        _ userId: String, token: String, fromDay: String, reply: @escaping @Sendable (AuthOutcome) -> Void, now: Int64
    ) throws(ClusterConnectionError) {
        guard let connection, connection.isOpen else { return reply(.unavailable) }
        switch holding[userId] {
        case .owned: return reply(try check(token, fromDay: fromDay, on: connection))
        case .releasing: return reply(.unavailable)  // being handed to another node
        case nil: break
        }
        if try connection.tryLock(userId: userId) {
            take(userId)
            // Read again under the lock: a previous owner may have committed its last
            // checkpoints and baseline between the first read and the lock.
            return reply(try check(token, fromDay: fromDay, on: connection))
        }
        try askForRelease(userId)
        waiting.append(Waiting(
            token: token, fromDay: fromDay, userId: userId, reply: reply, deadlineMs: now + settings.acquireTimeoutMs,
            nextAskMs: now + Self.askAgainMs))
    }

    /// A token check on the cluster session. A check that had to reconnect ran on a new
    /// session, whose locks are not this node's: the session counts as lost.
    private func check(_ token: String, fromDay: String, on connection: ClusterConnection) throws(ClusterConnectionError) -> AuthOutcome {
        let outcome = TokenCheck.run(token, store: connection.store, fromDay: fromDay, nowMs: WallClock.nowMs())
        guard connection.isOpen else { throw .sessionLost }
        return outcome
    }

    private mutating func retryWaiting(now: Int64) throws(ClusterConnectionError) {
        guard !waiting.isEmpty else { return }
        guard let connection, connection.isOpen else {
            for entry in waiting { entry.reply(.unavailable) }
            waiting.removeAll()
            return
        }
        var still: [Waiting] = []
        let pending = waiting
        for (index, original) in pending.enumerated() {
            var entry = original
            do {
                if holding[entry.userId] == .owned {
                    // Taken for another connection of the user meanwhile: the state is read after the lock.
                    entry.reply(try check(entry.token, fromDay: entry.fromDay, on: connection))
                } else if holding[entry.userId] == nil, try connection.tryLock(userId: entry.userId) {
                    take(entry.userId)
                    // The previous owner's last checkpoints are committed now: read the user's state again.
                    entry.reply(try check(entry.token, fromDay: entry.fromDay, on: connection))
                } else if now >= entry.deadlineMs {
                    node.counters.acquireTimeouts.add(1, ordering: .relaxed)
                    logger.notice("user still held by another node; refusing the connection", metadata: ["user": "\(entry.userId)"])
                    entry.reply(.unavailable)
                } else {
                    if now >= entry.nextAskMs {
                        entry.nextAskMs = now + Self.askAgainMs
                        try askForRelease(entry.userId)
                    }
                    still.append(entry)
                }
            } catch {
                // Not answered yet: this one and the rest (answered when the loss is handled).
                waiting = still + pending[index...]
                throw error
            }
        }
        waiting = still
    }

    private mutating func take(_ userId: String) {
        holding[userId] = .owned
        takenAtMs[userId] = MonotonicClock.nowMs()
        node.setOwned(userId, true)
    }

    private func askForRelease(_ userId: String) throws(ClusterConnectionError) {
        try connection?.notify(.releaseRequested(userId: userId, byNode: node.nodeId))
        node.counters.releasesRequested.add(1, ordering: .relaxed)
        node.counters.noticesSent.add(1, ordering: .relaxed)
    }

    /// Another node wants a user this node holds: stop coaching them here (the home loop
    /// closes their sockets and queues their checkpoints), unlock once those are committed.
    private mutating func release(_ userId: String) {
        guard holding[userId] == .owned,
            MonotonicClock.nowMs() - (takenAtMs[userId] ?? .min / 2) >= Self.minimumHoldMs
        else { return }
        holding[userId] = .releasing
        takenAtMs[userId] = nil
        node.setOwned(userId, false)  // first: a connection adopted after this is refused
        logger.info("handing a user over to another node", metadata: ["user": "\(userId)"])
        node.askHomeLoopToRelinquish(userId)
    }

    // MARK: Notices

    private mutating func heard(_ notice: ClusterNotice) throws(ClusterConnectionError) {
        node.counters.noticesReceived.add(1, ordering: .relaxed)
        switch notice {
        case .scoresChanged(let userId):
            dirtyScores.insert(userId)
        case .privacyChanged(let userId):
            guard let store = connection?.store else { return }
            do {
                let settings = try store.privacySettings(userId: userId)
                leaderboards.post(.privacy(userId: userId, leaderboardVisible: settings.leaderboardVisible))
                homeMailbox(of: userId).post(.privacyChanged(userId: userId, settings: settings))
            } catch {
                logger.warning("could not read changed privacy settings", metadata: ["user": "\(userId)", "error": "\(error)"])
            }
        case .tokenRevoked(let tokenId):
            for mailbox in mailboxes { mailbox.post(.tokensRevoked([tokenId])) }
        case .userPurged(let userId):
            node.withMirror { $0.forget(userId: userId) }
            leaderboards.post(.purge(userId: userId))
            for mailbox in mailboxes { mailbox.post(.purgeUser(userId: userId)) }
        case .heartbeatTimeAdded(let userId, let day, let activeMs, let languageMs):
            // Only the owner holds the user's state; any other loop ignores it.
            homeMailbox(of: userId).post(.storedDaysChanged(userId: userId, added: [UserDayTotals(
                userId: userId, day: day, activeMs: activeMs, flowMs: 0, keystrokes: 0, linesAdded: 0, linesDeleted: 0,
                sessions: 0, languageMs: languageMs)]))
        case .releaseRequested(let userId, let requester):
            guard requester != node.nodeId else { return }
            release(userId)
        }
    }

    private func homeMailbox(of userId: String) -> LoopMailbox {
        mailboxes[CoachingShard.homeLoop(of: userId, loops: mailboxes.count)]
    }

    /// Reads the changed users' stored days and hands the boards the differences.
    private mutating func flushScores() throws(ClusterConnectionError) {
        guard let store = connection?.store else { return }
        let nowMs = WallClock.nowMs()
        let fromDay = LeaderboardRebuild.earliestDay(nowMs: nowMs)
        let users = dirtyScores
        dirtyScores.removeAll()
        for userId in users {
            do {
                let known = node.withMirror { $0.names[userId] }
                let name = try known ?? store.user(id: userId)?.displayName ?? userId
                let totals = try store.dailyAggregates(fromDay: fromDay, userId: userId).map { LeaderboardRebuild.totals($0, name: name) }
                let deltas = node.withMirror { $0.replace(userId: userId, displayName: name, totals: totals, fromDay: fromDay) }
                for delta in deltas { leaderboards.post(.score(delta)) }
            } catch {
                if let connection, !connection.isOpen { throw .sessionLost }
                dirtyScores.insert(userId)  // read again on the next flush
            }
        }
    }

    // MARK: Session loss

    private mutating func reconnect(now: Int64) {
        guard now >= nextReconnectMs else { return }
        nextReconnectMs = now + Self.reconnectMs
        do {
            if connection == nil { connection = try node.makeConnection() }
            guard let connection else { return }
            try connection.open()
            try connection.register(node: node.registryRecord)
            nextHeartbeatMs = 0
            node.setReady(true)
            // Notices were missed while away: every user's totals are read again.
            dirtyScores.formUnion(node.withMirror { Array($0.names.keys) })
            logger.notice("cluster session open again", metadata: ["node": "\(node.nodeId)"])
        } catch {
            node.setReady(false)
        }
    }

    private mutating func sessionLost(_ error: ClusterConnectionError) {
        if case .store(let storeError) = error {
            // The session is fine; one statement failed (logged, retried by whoever needs it).
            logger.warning("cluster statement failed", metadata: ["error": "\(storeError)"])
            return
        }
        node.setReady(false)
        node.counters.sessionsLost.add(1, ordering: .relaxed)
        connection?.close()
        let given = node.clearOwned()
        logger.error("cluster session lost: giving up every user until it is back", metadata: ["users": "\(given.count)"])
        for userId in holding.keys { node.askHomeLoopToRelinquish(userId) }
        holding.removeAll()
        takenAtMs.removeAll()
        for entry in waiting { entry.reply(.unavailable) }
        waiting.removeAll()
    }
}
