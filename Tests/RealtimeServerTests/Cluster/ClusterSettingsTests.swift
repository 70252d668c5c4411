import Configuration
import Testing

@testable import RealtimeServer

/// `cluster.*`: read from the environment like every key; several nodes need PostgreSQL.
struct ClusterSettingsTests {
    @Test("cluster mode on PostgreSQL is read from the environment")
    func readFromEnvironment() async throws {
        let config = try await ConfigurationLoader.load(filePath: nil, overrides: [:], environment: [
            "FLOWCOACH_DATABASE_URL": "postgres://flowcoach@db/flowcoach", "FLOWCOACH_CLUSTER_ENABLED": "true",
            "FLOWCOACH_CLUSTER_NODE_ID": "node7", "FLOWCOACH_CLUSTER_ACQUIRE_TIMEOUT_MS": "2500",
        ])
        #expect(config.cluster.enabled)
        #expect(config.cluster.nodeId == "node7")
        #expect(config.cluster.acquireTimeoutMs == 2_500)
    }

    @Test("cluster mode without PostgreSQL is refused with the reason")
    func refusedOnSQLite() async throws {
        await #expect(throws: ConfigurationError.invalid(
            key: "cluster.enabled",
            reason: "several nodes share one PostgreSQL database: set database.url (SQLite is single-node)")
        ) {
            _ = try await ConfigurationLoader.load(filePath: nil, overrides: [:], environment: ["FLOWCOACH_CLUSTER_ENABLED": "true"])
        }
    }

    @Test("a node id with ':' (the notice separator) is refused")
    func nodeIdWithoutColon() {
        var settings = ClusterSettings()
        settings.nodeId = "a:b"
        #expect(throws: ConfigurationError.self) { try settings.validate() }
        settings.nodeId = "node-1"
        #expect(throws: Never.self) { try settings.validate() }
    }
}
