import Foundation
import Synchronization

/// The cluster's part of `/metrics`: the node id (as an info series, so every scrape says
/// which node answered), the session, the users held and the notice traffic.
enum ClusterMetrics {
    static func render(_ node: ClusterNode) -> String {
        let counters = node.counters
        let series: [(String, String, String, Int)] = [
            ("flowcoach_cluster_session_up", "1 while the cluster session (locks, LISTEN) is open.", "gauge", node.isReady ? 1 : 0),
            ("flowcoach_cluster_users_owned", "Users whose ownership lock this node holds.", "gauge", node.ownedCount),
            ("flowcoach_cluster_live_nodes", "Nodes with a fresh heartbeat in cluster_nodes.", "gauge", counters.liveNodes.load(ordering: .relaxed)),
            ("flowcoach_cluster_notices_received_total", "Notices heard on the flowcoach channel.", "counter", counters.noticesReceived.load(ordering: .relaxed)),
            ("flowcoach_cluster_notices_sent_total", "Notices this node sent (hand-over requests).", "counter", counters.noticesSent.load(ordering: .relaxed)),
            ("flowcoach_cluster_releases_requested_total", "Hand-overs this node asked other nodes for.", "counter", counters.releasesRequested.load(ordering: .relaxed)),
            ("flowcoach_cluster_users_released_total", "Users this node handed over to another node.", "counter", counters.usersReleased.load(ordering: .relaxed)),
            ("flowcoach_cluster_acquire_timeouts_total", "Connections refused: another node did not hand the user over in time.", "counter", counters.acquireTimeouts.load(ordering: .relaxed)),
            ("flowcoach_cluster_sessions_lost_total", "Times the cluster session was lost (every user given up).", "counter", counters.sessionsLost.load(ordering: .relaxed)),
        ]
        var text = "# HELP flowcoach_cluster_node_info This node's id in the cluster.\n# TYPE flowcoach_cluster_node_info gauge\n"
        text += "flowcoach_cluster_node_info{node=\"\(escaped(node.nodeId))\"} 1\n"
        for (name, help, type, value) in series {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name){node=\"\(escaped(node.nodeId))\"} \(value)\n"
        }
        return text
    }

    /// A Prometheus label value: backslash, quote and newline escaped.
    private static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
