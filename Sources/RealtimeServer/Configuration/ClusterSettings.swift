/// Several nodes on one PostgreSQL (`cluster.*`, docs/OPERATIONS.md "Several nodes").
public struct ClusterSettings: Sendable, Equatable {
    /// `cluster.enabled`: take users' ownership locks, listen for other nodes' notices,
    /// register in `cluster_nodes`. Needs PostgreSQL.
    public var enabled = false
    /// `cluster.node_id`: this node's name in the registry and `/metrics` (default: the
    /// host name and port).
    public var nodeId: String?
    /// `cluster.advertise_address`: where operators reach this node (registry only;
    /// default: `server.host:server.port`).
    public var advertiseAddress: String?
    /// `cluster.heartbeat_ms`: how often the node stamps its registry row, which also
    /// probes its cluster session (a node cut off from PostgreSQL notices within about this).
    public var heartbeatMs: Int64 = 1_000
    /// `cluster.acquire_timeout_ms`: how long a connection for a user whom another node
    /// holds waits for that node to hand the user over before it is refused (503 / 1013).
    public var acquireTimeoutMs: Int64 = 5_000
    /// `cluster.statement_timeout_ms`: a cluster statement slower than this counts as a
    /// lost session (the node then gives up every user).
    public var statementTimeoutMs: Int64 = 3_000

    public init() {}

    func validate() throws(ConfigurationError) {
        if heartbeatMs < 100 || heartbeatMs > 60_000 { throw .invalid(key: "cluster.heartbeat_ms", reason: "must be 100...60000") }
        if acquireTimeoutMs < 100 || acquireTimeoutMs > 120_000 {
            throw .invalid(key: "cluster.acquire_timeout_ms", reason: "must be 100...120000")
        }
        if statementTimeoutMs < 100 { throw .invalid(key: "cluster.statement_timeout_ms", reason: "must be ≥ 100") }
        if let nodeId, nodeId.isEmpty || nodeId.utf8.count > 200 || nodeId.contains(":") {
            throw .invalid(key: "cluster.node_id", reason: "must be 1-200 characters without ':'")
        }
    }
}
