import Synchronization

/// Renders the Prometheus text exposition format (version 0.0.4) from every loop's counters.
/// Served on `/metrics`; a scrape is rare, so building a String here is fine.
enum MetricsText {
    private struct Metric {
        let name: String
        let help: String
        let type: String
        let value: @Sendable (LoopStats) -> Int
    }

    private static let metrics: [Metric] = [
        Metric(name: "flowcoach_connections_accepted_total", help: "TCP connections accepted.", type: "counter") { $0.connectionsAccepted.load(ordering: .relaxed) },
        Metric(name: "flowcoach_connections_open", help: "TCP connections open now.", type: "gauge") { $0.connectionsOpen.load(ordering: .relaxed) },
        Metric(name: "flowcoach_websockets_open", help: "WebSocket connections open now.", type: "gauge") { $0.webSocketsOpen.load(ordering: .relaxed) },
        Metric(name: "flowcoach_handshakes_rejected_total", help: "Upgrade requests answered with 4xx.", type: "counter") { $0.handshakesRejected.load(ordering: .relaxed) },
        Metric(name: "flowcoach_handshake_timeouts_total", help: "Connections closed for not finishing the upgrade in time.", type: "counter") { $0.handshakeTimeouts.load(ordering: .relaxed) },
        Metric(name: "flowcoach_messages_received_total", help: "WebSocket data messages received.", type: "counter") { $0.messagesReceived.load(ordering: .relaxed) },
        Metric(name: "flowcoach_messages_sent_total", help: "WebSocket data messages sent.", type: "counter") { $0.messagesSent.load(ordering: .relaxed) },
        Metric(name: "flowcoach_bytes_received_total", help: "Bytes read from sockets.", type: "counter") { $0.bytesReceived.load(ordering: .relaxed) },
        Metric(name: "flowcoach_bytes_sent_total", help: "Bytes written to sockets.", type: "counter") { $0.bytesSent.load(ordering: .relaxed) },
        Metric(name: "flowcoach_protocol_errors_total", help: "Connections failed for RFC 6455 violations.", type: "counter") { $0.protocolErrors.load(ordering: .relaxed) },
        Metric(name: "flowcoach_slow_readers_closed_total", help: "Connections closed because their output queue overflowed.", type: "counter") { $0.slowReadersClosed.load(ordering: .relaxed) },
        Metric(name: "flowcoach_ping_timeouts_total", help: "Connections closed after unanswered pings.", type: "counter") { $0.pingTimeouts.load(ordering: .relaxed) },
        Metric(name: "flowcoach_http_requests_total", help: "Plain HTTP requests served.", type: "counter") { $0.httpRequests.load(ordering: .relaxed) },
        Metric(name: "flowcoach_accept_failures_total", help: "accept() failures (e.g. out of file descriptors).", type: "counter") { $0.acceptFailures.load(ordering: .relaxed) },
    ]

    /// The exposition text for all loops (one series per loop, labelled `loop`).
    static func render(_ loops: [LoopStats]) -> String {
        var text = ""
        for metric in metrics {
            text += "# HELP \(metric.name) \(metric.help)\n# TYPE \(metric.name) \(metric.type)\n"
            for (index, stats) in loops.enumerated() {
                text += "\(metric.name){loop=\"\(index)\"} \(metric.value(stats))\n"
            }
        }
        return text
    }
}
