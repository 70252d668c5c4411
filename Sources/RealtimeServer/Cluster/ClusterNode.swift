import CoachingCore
import Foundation
import Logging
import LoopKit
import Persistence
import Synchronization

/// This node's part in a cluster of nodes on one PostgreSQL: one thread that owns the
/// cluster session (``ClusterConnection``) — the users' ownership locks, `LISTEN`, the
/// registry heartbeat — and feeds the loops and the leaderboard owner through their
/// mailboxes. Nothing else touches that session.
///
/// **Ownership.** The store reader checks tokens as on one node; a valid token of a user
/// this node does not hold yet comes here, and this thread takes the user's advisory lock
/// before the connection is answered (then checks the token again and reads the user's
/// state under the lock). When another node holds the lock,
/// this node asks that node to hand the user over (``ClusterNotice/releaseRequested``) and
/// tries again until `cluster.acquire_timeout_ms`; then the client is refused (503 / 1013)
/// and retries. The holder's home loop closes the user's sockets with 1012, queues their
/// checkpoints, and only after the writer has committed everything queued before does this
/// thread unlock — so the next owner reads complete state, and no two nodes ever coach the
/// same user.
///
/// **Loss.** When the session is lost (PostgreSQL restarted, the network failed, a
/// statement timed out), its locks are gone: every user is given up at once (1012), `/readyz`
/// answers 503 and token checks are refused until a new session is open. Acknowledged data
/// is safe as on one node (writer, spill journal).
final class ClusterNode: Sendable {
    let nodeId: String
    let address: String
    private let url: String
    private let settings: ClusterSettings
    private let mailboxes: [LoopMailbox]
    private let leaderboards: LeaderboardOwner
    private let writer: PersistenceWriter
    private let logger: Logger
    private let startedAtMs = WallClock.nowMs()

    private let inbox = Mutex<[Request]>([])
    /// Users this node holds and coaches (read by the loops on authentication and adoption).
    private let owned = Mutex<Set<String>>([])
    private let ready = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// The session opened before the thread starts (so the start-up rebuild misses no
    /// notice); handed to the thread once.
    private let initial = Mutex<SessionBox?>(nil)
    /// The leaderboards' view of stored totals; seeded before the thread starts, then the
    /// thread's alone.
    private let mirror = Mutex(ClusterScoreMirror())
    let counters = ClusterCounters()

    enum Request: Sendable {
        case claim(userId: String, token: String, fromDay: String, reply: @Sendable (AuthOutcome) -> Void)
        case relinquished(userId: String)
        case announce(ClusterNotice)
    }

    init(
        configuration: ServerConfiguration, url: String, mailboxes: [LoopMailbox], leaderboards: LeaderboardOwner,
        writer: PersistenceWriter, logger: Logger
    ) {
        let host = ProcessInfo.processInfo.hostName
        nodeId = configuration.cluster.nodeId ?? "\(host)-\(configuration.port)"
        address = configuration.cluster.advertiseAddress ?? "\(configuration.host):\(configuration.port)"
        self.url = url
        settings = configuration.cluster
        self.mailboxes = mailboxes
        self.leaderboards = leaderboards
        self.writer = writer
        self.logger = logger
    }

    // MARK: From other threads

    /// Whether the cluster session is up (`/readyz`).
    var isReady: Bool { ready.load(ordering: .acquiring) }

    /// Whether this node holds `userId` now.
    func owns(_ userId: String) -> Bool { owned.withLock { $0.contains(userId) } }

    var ownedCount: Int { owned.withLock { $0.count } }

    /// A valid token of a user this node does not hold: take the user's lock (asking the
    /// holder to hand them over), then check the token again and read the user's state
    /// under the lock. `reply` is called once, on the cluster thread.
    func claim(_ userId: String, token: String, fromDay: String, reply: @escaping @Sendable (AuthOutcome) -> Void) {
        guard !stopping.load(ordering: .relaxed) else { return reply(.unavailable) }
        inbox.withLock { $0.append(.claim(userId: userId, token: token, fromDay: fromDay, reply: reply)) }
    }

    /// The user's home loop gave them up and the writer committed what it queued: unlock.
    func relinquished(_ userId: String) {
        inbox.withLock { $0.append(.relinquished(userId: userId)) }
    }

    /// Sends `notice` to every node, this one included (dropped while the session is away:
    /// the owner's `stats:me` then lags until the user's state is loaded again).
    func announce(_ notice: ClusterNotice) {
        inbox.withLock { $0.append(.announce(notice)) }
    }

    /// Opens the session and registers the node (before the leaderboards are rebuilt, so
    /// a change committed meanwhile is heard). A database that is away now is retried by
    /// the thread.
    func open() {
        do {
            let connection = try makeConnection()
            try connection.open()
            try connection.register(node: ClusterNodeRecord(id: nodeId, address: address, startedAtMs: startedAtMs))
            initial.withLock { $0 = SessionBox(connection) }
            ready.store(true, ordering: .releasing)
            logger.info("cluster session open", metadata: ["node": "\(nodeId)", "address": "\(address)"])
        } catch {
            logger.warning("cluster session not open yet; retrying", metadata: ["error": "\(error)"])
        }
    }

    /// A new (not yet opened) cluster connection.
    func makeConnection() throws(StoreError) -> ClusterConnection {
        try ClusterConnection(url: url, timeoutMs: Int(settings.statementTimeoutMs))
    }

    /// The start-up rebuild's totals, which the leaderboards got as `.stored`.
    func seedScores(_ totals: [StoredTotals]) {
        mirror.withLock { $0.seed(totals) }
    }

    func start() {
        let thread = Thread { [self] in
            var worker = ClusterWorker(node: self, connection: initial.withLock { $0.take() })
            worker.run()
            finished.signal()
        }
        thread.name = "flowcoach-cluster"
        thread.start()
    }

    /// After the writer flushed: leaves the registry and closes the session (every lock
    /// is released with it).
    func stop() {
        stopping.store(true, ordering: .releasing)
        _ = finished.wait(timeout: .now() + .seconds(5))
    }

    // MARK: For the worker (cluster thread)

    var isStopping: Bool { stopping.load(ordering: .acquiring) }
    var context: (settings: ClusterSettings, mailboxes: [LoopMailbox], leaderboards: LeaderboardOwner, logger: Logger) {
        (settings, mailboxes, leaderboards, logger)
    }
    var registryRecord: ClusterNodeRecord {
        ClusterNodeRecord(id: nodeId, address: address, startedAtMs: startedAtMs)
    }
    func takeRequests() -> [Request] {
        inbox.withLock { queue in
            defer { queue.removeAll(keepingCapacity: true) }
            return queue
        }
    }
    func setReady(_ value: Bool) { ready.store(value, ordering: .releasing) }
    func setOwned(_ userId: String, _ value: Bool) {
        _ = owned.withLock { value ? $0.insert(userId).inserted : ($0.remove(userId) != nil) }
    }
    func clearOwned() -> Set<String> {
        owned.withLock { set in
            defer { set.removeAll() }
            return set
        }
    }
    func withMirror<R>(_ body: (inout ClusterScoreMirror) -> R) -> R { mirror.withLock { body(&$0) } }

    /// Asks the user's home loop to give them up (it answers with ``homeLoopRelinquished(_:)``).
    func askHomeLoopToRelinquish(_ userId: String) {
        let home = CoachingShard.homeLoop(of: userId, loops: mailboxes.count)
        mailboxes[home].post(.relinquishUser(userId: userId))
    }

    /// Called by the home loop after it gave the user up: the unlock waits until the writer
    /// has committed everything queued before (the user's last checkpoints). Without room
    /// in the writer's queue it happens at once: the client replays what was not `durable`.
    func homeLoopRelinquished(_ userId: String) {
        let queued = writer.submit { [self] _ in relinquished(userId) }
        if !queued { relinquished(userId) }
    }
}

/// The session handed from ``ClusterNode/open()`` to the thread (moved once; the class
/// itself is used by one thread at a time: main thread before start, the cluster thread after).
private final class SessionBox: @unchecked Sendable {
    private var connection: ClusterConnection?
    init(_ connection: ClusterConnection) { self.connection = connection }
    func take() -> ClusterConnection? {
        defer { connection = nil }
        return connection
    }
}

extension Optional where Wrapped == SessionBox {
    fileprivate mutating func take() -> ClusterConnection? {
        guard let box = self else { return nil }
        self = nil
        return box.take()
    }
}
