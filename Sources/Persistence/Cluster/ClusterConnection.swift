import CLibPQ
public import CoachingCore
import Glibc

/// The node's own PostgreSQL session for clustering: it holds the users' ownership locks
/// (session-level advisory locks), listens on ``ClusterNotice/channel``, sends notices and
/// keeps the node's row in `cluster_nodes` fresh.
///
/// Session-level locks are the point: when the node dies, or its connection does, the
/// server ends the session and every lock it held is gone with it, so another node can
/// take the users over without anyone cleaning up. The same holds the other way round:
/// once this session is lost, this node owns nobody. Every call therefore checks that it
/// ran on the session it started with and throws ``ClusterConnectionError/sessionLost``
/// otherwise; the caller drops every user it owned and calls ``open()`` again.
///
/// Also a full `Store` (``store``) for what the cluster thread reads: token checks and
/// the totals a `scoresChanged` notice asks for.
///
/// Not thread-safe: owned by the cluster thread.
public final class ClusterConnection {
    private let postgres: PostgresStore
    /// The libpq handle the current session was opened on (nil: no session).
    private var session: OpaquePointer?

    /// - Parameter timeoutMs: how long a statement may take before the session counts as
    ///   lost (short: a node cut off from PostgreSQL must notice within seconds).
    public init(url: String, timeoutMs: Int) throws(StoreError) {
        postgres = try PostgresStore(url: url, timeoutMs: timeoutMs)
    }

    /// The same session as a store (reads only, from the cluster thread).
    public var store: any Store { postgres }

    /// Whether the session opened by ``open()`` is still the connection's.
    public var isOpen: Bool {
        guard let session else { return false }
        return postgres.connection.handle == session && postgres.connection.isConnected
    }

    /// Opens a fresh session (connecting when needed): releases any lock the connection
    /// might hold from an earlier use and listens on the notice channel.
    public func open() throws(StoreError) {
        session = nil
        let connection = postgres.connection
        try connection.execute("SELECT pg_advisory_unlock_all(); LISTEN \(ClusterNotice.channel)")
        session = connection.handle
    }

    /// Closes the session (every lock is released by the server).
    public func close() {
        postgres.connection.close()
        session = nil
    }

    // MARK: Ownership

    /// Takes the user's ownership lock without waiting; false when another session holds it.
    /// Taking a lock this session already holds stacks it: the caller asks once per user.
    public func tryLock(userId: String) throws(ClusterConnectionError) -> Bool {
        let result = try run { () throws(StoreError) in
            try postgres.connection.query("SELECT pg_try_advisory_lock($1)", [.integer(ClusterLockKey.of(userId: userId))])
        }
        return (try? result.bool(0, 0)) ?? false
    }

    /// Releases the user's ownership lock.
    public func unlock(userId: String) throws(ClusterConnectionError) {
        try run { () throws(StoreError) in
            _ = try postgres.connection.query("SELECT pg_advisory_unlock($1)", [.integer(ClusterLockKey.of(userId: userId))])
        }
    }

    // MARK: Notices

    /// Sends a notice to every node (this one included), delivered when it commits (now:
    /// the session is in autocommit).
    public func notify(_ notice: ClusterNotice) throws(ClusterConnectionError) {
        try run { () throws(StoreError) in
            _ = try postgres.connection.query("SELECT pg_notify($1, $2)", [.text(ClusterNotice.channel), .text(notice.payload)])
        }
    }

    /// Waits up to `timeoutMs` for notices and returns those that arrived (also those
    /// libpq collected while answering earlier statements).
    public func receive(timeoutMs: Int32) throws(ClusterConnectionError) -> [ClusterNotice] {
        guard isOpen, let handle = session else { throw .sessionLost }
        var notices = drain(handle)
        guard notices.isEmpty else { return notices }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeoutMs)
        if ready > 0 {
            guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else {
                close()
                throw .sessionLost
            }
            notices = drain(handle)
        }
        return notices
    }

    private func drain(_ handle: OpaquePointer) -> [ClusterNotice] {
        var notices: [ClusterNotice] = []
        while let notify = PQnotifies(handle) {
            if let extra = notify.pointee.extra, let notice = ClusterNotice(payload: String(cString: extra)) {
                notices.append(notice)
            }
            PQfreemem(notify)
        }
        return notices
    }

    // MARK: Node registry

    /// Inserts or refreshes the node's row.
    public func register(node: ClusterNodeRecord) throws(ClusterConnectionError) {
        try run { () throws(StoreError) in
            _ = try postgres.connection.query("""
                INSERT INTO cluster_nodes (id, address, started_at, heartbeat_at)
                VALUES ($1, $2, \(PostgresSQL.timestamp("$3::bigint")), now())
                ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, started_at = EXCLUDED.started_at, heartbeat_at = now()
                """, [.text(node.id), .text(node.address), .integer(node.startedAtMs)])
        }
    }

    /// Stamps the node's heartbeat and answers the number of nodes whose heartbeat is
    /// younger than `liveWithinMs` (this one included). Also the session's liveness probe.
    public func heartbeat(nodeId: String, liveWithinMs: Int64) throws(ClusterConnectionError) -> Int {
        let result = try run { () throws(StoreError) in
            try postgres.connection.query("""
                WITH stamped AS (UPDATE cluster_nodes SET heartbeat_at = now() WHERE id = $1 RETURNING id)
                SELECT count(*) FROM cluster_nodes
                WHERE heartbeat_at > now() - $2::bigint * interval '1 millisecond' AND id NOT IN (SELECT id FROM stamped)
                """, [.text(nodeId), .integer(liveWithinMs)])
        }
        return Int((try? result.integer(0, 0)) ?? 0) + 1
    }

    /// Every registered node (operators, tests).
    public func nodes() throws(ClusterConnectionError) -> [ClusterNodeRecord] {
        let result = try run { () throws(StoreError) in
            try postgres.connection.query("""
                SELECT id, address, \(PostgresSQL.milliseconds("started_at")), \(PostgresSQL.milliseconds("heartbeat_at"))
                FROM cluster_nodes ORDER BY id
                """)
        }
        var nodes: [ClusterNodeRecord] = []
        for row in 0..<result.rowCount {
            guard let id = try? result.text(row, 0), let address = try? result.text(row, 1),
                let started = try? result.integer(row, 2), let heartbeat = try? result.integer(row, 3)
            else { continue }
            nodes.append(ClusterNodeRecord(id: id, address: address, startedAtMs: started, heartbeatAtMs: heartbeat))
        }
        return nodes
    }

    /// Removes the node's row (graceful shutdown).
    public func deregister(nodeId: String) throws(ClusterConnectionError) {
        try run { () throws(StoreError) in
            _ = try postgres.connection.query("DELETE FROM cluster_nodes WHERE id = $1", [.text(nodeId)])
        }
    }

    /// Runs `body` on the current session; a failure, or a call that had to connect anew
    /// (its locks and LISTEN would be gone), is `sessionLost`.
    @discardableResult
    private func run<T>(_ body: () throws(StoreError) -> T) throws(ClusterConnectionError) -> T {
        guard isOpen else { throw .sessionLost }
        let value: T
        do {
            value = try body()
        } catch .unavailable {
            close()
            throw .sessionLost
        } catch {
            throw .store(error)
        }
        guard isOpen else {
            close()
            throw .sessionLost
        }
        return value
    }
}

/// Why a cluster call failed.
public enum ClusterConnectionError: Error, Sendable {
    /// The session that held the locks and listened is gone: this node owns nobody now.
    case sessionLost
    /// PostgreSQL refused the statement (the session is still good).
    case store(StoreError)
}

/// One node's row in `cluster_nodes`.
public struct ClusterNodeRecord: Sendable, Hashable {
    public var id: String
    public var address: String
    public var startedAtMs: Int64
    public var heartbeatAtMs: Int64

    public init(id: String, address: String, startedAtMs: Int64, heartbeatAtMs: Int64 = 0) {
        self.id = id
        self.address = address
        self.startedAtMs = startedAtMs
        self.heartbeatAtMs = heartbeatAtMs
    }
}
