public import CoachingCore
import FlowEngine
public import Logging
import LoopKit
public import Persistence

/// The threads and shared pieces behind `/v1/ws`, created once per process and handed to
/// every event loop: the persistence writer, the store reader, the leaderboard owner, the
/// loops' mailboxes (to route durable acks and channel events to the right loop) and the
/// per-IP connection counts.
public final class CoachingServices: Sendable {
    public let settings: CoachingSettings
    public let writer: PersistenceWriter
    public let reader: StoreReader
    /// A second reader for the HTTP API, so that a long export or a year of insights never
    /// delays a login or a resume.
    public let apiReader: StoreReader
    public let leaderboards: LeaderboardOwner
    let mailboxes: [LoopMailbox]
    let perIP: PerIPLimiter
    private let revocations: RevocationWatch
    /// This node's part in a cluster (`cluster.enabled`), nil on a single node.
    let cluster: ClusterNode?
    private let logger: Logger
    /// The store the reader uses, also used (before the reader starts) for the start-up
    /// rebuild of the leaderboards.
    private let readerStore: any Store

    /// - Parameters:
    ///   - writerStore: migrated store for the writer thread (used only by it from now on).
    ///   - readerStore: a second connection to the same database, for the reader thread.
    ///   - apiStore: a third one, for the HTTP API's reader thread.
    public init(
        configuration: ServerConfiguration, writerStore: any Store, readerStore: any Store, apiStore: any Store, logger: Logger
    ) throws {
        settings = configuration.coaching
        self.logger = logger
        self.readerStore = readerStore
        let mailboxes = try (0..<configuration.loops).map { _ in try LoopMailbox() }
        self.mailboxes = mailboxes
        perIP = PerIPLimiter(limit: configuration.coaching.maxConnectionsPerIP)
        let loopCount = mailboxes.count
        let writerConfiguration = WriterConfiguration(
            maxBatchDelayMs: configuration.commitDelayMs,
            spillJournalPath: configuration.spillJournalPath.isEmpty ? nil : configuration.spillJournalPath,
            spillAfterQueuedRecords: configuration.spillAfterRecords)
        writer = PersistenceWriter(store: writerStore, configuration: writerConfiguration, onDurable: { acks in
            var byLoop = [[DurableAck]](repeating: [], count: loopCount)
            for ack in acks { byLoop[CoachingShard.homeLoop(of: ack.userId, loops: loopCount)].append(ack) }
            for (index, acks) in byLoop.enumerated() where !acks.isEmpty { mailboxes[index].post(.durable(acks)) }
        }, onRejected: { records, error in
            logger.error("store refused records for good", metadata: ["count": "\(records.count)", "error": "\(error)"])
        })
        reader = StoreReader(store: readerStore)
        apiReader = StoreReader(store: apiStore, name: "flowcoach-api")
        revocations = RevocationWatch(
            reader: reader, mailboxes: mailboxes, intervalMs: configuration.coaching.revocationCheckMs, logger: logger)
        leaderboards = LeaderboardOwner(
            configuration: LeaderboardConfiguration(minPublishIntervalMs: configuration.coaching.publishIntervalMs),
            sink: { event in for mailbox in mailboxes { mailbox.post(.publish(event)) } })
        if configuration.cluster.enabled, let url = configuration.databaseURL {
            cluster = ClusterNode(
                configuration: configuration, url: url, mailboxes: mailboxes, leaderboards: leaderboards, writer: writer,
                logger: logger)
        } else {
            cluster = nil
        }
    }

    /// Rebuilds the leaderboards from the store, then starts the writer, reader and
    /// leaderboard threads.
    public func start() throws {
        // Listening before the rebuild: a change committed meanwhile is heard, not lost.
        cluster?.open()
        try rebuildLeaderboards()
        writer.start()
        reader.start()
        apiReader.start()
        try leaderboards.start()
        revocations.start()
        cluster?.start()
    }

    /// After the loops stopped: commits what the writer holds, stops the other threads.
    public func shutdown(timeoutMs: Int = 10_000) {
        revocations.stop()
        let flushed = writer.shutdown(timeoutMs: timeoutMs)
        if !flushed { logger.error("the writer did not finish in time; clients replay what was not acknowledged") }
        // After the writer: the users' locks are released only once their checkpoints are in.
        cluster?.stop()
        leaderboards.stop()
        reader.shutdown()
        apiReader.shutdown()
    }

    /// Privacy, team consent and stored per-day totals of the current periods, in that
    /// order (the owner needs visibility before totals).
    private func rebuildLeaderboards() throws {
        let nowMs = WallClock.nowMs()
        let users = try readerStore.users()
        var names: [String: String] = [:]
        for user in users { names[user.id] = user.displayName }
        for (userId, settings) in try readerStore.allPrivacySettings() {
            leaderboards.post(.privacy(userId: userId, leaderboardVisible: settings.leaderboardVisible))
        }
        for user in users {
            let memberships = try readerStore.memberships(userId: user.id)
            if !memberships.isEmpty {
                leaderboards.post(.teams(
                    userId: user.id,
                    consentByTeam: Dictionary(memberships.map { ($0.teamId, $0.dataSharingConsent) }, uniquingKeysWith: { $1 })))
            }
        }
        let aggregates = try readerStore.dailyAggregates(fromDay: LeaderboardRebuild.earliestDay(nowMs: nowMs), userId: nil)
        let totals = aggregates.map { LeaderboardRebuild.totals($0, name: names[$0.userId] ?? $0.userId) }
        cluster?.seedScores(totals)
        if !totals.isEmpty { leaderboards.post(.stored(totals)) }
        logger.info("leaderboards rebuilt from the store", metadata: ["users": "\(users.count)", "days": "\(totals.count)"])
    }
}

/// Open connections per client address, shared by all loops (touched on accept and close
/// only, never per message). Every loop takes the lock, so it is a `ThreadLock`, whose
/// ordering ThreadSanitizer sees (see ThreadLock).
final class PerIPLimiter: Sendable {
    private let limit: Int
    private let counts = ThreadLock<[PeerHost: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection from `host`; false (and nothing counted) past the limit.
    func admit(_ host: PeerHost) -> Bool {
        counts.withLock { counts in
            let current = counts[host, default: 0]
            guard current < limit else { return false }
            counts[host] = current + 1
            return true
        }
    }

    func release(_ host: PeerHost) {
        counts.withLock { counts in
            guard let current = counts[host] else { return }
            counts[host] = current > 1 ? current - 1 : nil
        }
    }
}
