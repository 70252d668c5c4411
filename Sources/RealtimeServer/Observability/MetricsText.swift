import CoachingCore
import Persistence
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
        Metric(name: "flowcoach_socket_reads_total", help: "Socket reads that returned data.", type: "counter") { $0.socketReads.load(ordering: .relaxed) },
        Metric(name: "flowcoach_socket_writes_total", help: "Socket write calls (one writev each).", type: "counter") { $0.socketWrites.load(ordering: .relaxed) },
        Metric(name: "flowcoach_protocol_errors_total", help: "Connections failed for RFC 6455 violations.", type: "counter") { $0.protocolErrors.load(ordering: .relaxed) },
        Metric(name: "flowcoach_slow_readers_closed_total", help: "Connections closed because their output queue overflowed.", type: "counter") { $0.slowReadersClosed.load(ordering: .relaxed) },
        Metric(name: "flowcoach_ping_timeouts_total", help: "Connections closed after unanswered pings.", type: "counter") { $0.pingTimeouts.load(ordering: .relaxed) },
        Metric(name: "flowcoach_http_requests_total", help: "Plain HTTP requests served.", type: "counter") { $0.httpRequests.load(ordering: .relaxed) },
        Metric(name: "flowcoach_accept_failures_total", help: "accept() failures (e.g. out of file descriptors).", type: "counter") { $0.acceptFailures.load(ordering: .relaxed) },
        Metric(name: "flowcoach_activities_total", help: "activity messages processed (not duplicates).", type: "counter") { $0.activities.load(ordering: .relaxed) },
        Metric(name: "flowcoach_duplicate_activities_total", help: "activity messages with an already processed seq (answered, not counted).", type: "counter") { $0.duplicateActivities.load(ordering: .relaxed) },
        Metric(name: "flowcoach_sessions_started_total", help: "Sessions started.", type: "counter") { $0.sessionsStarted.load(ordering: .relaxed) },
        Metric(name: "flowcoach_sessions_resumed_total", help: "session.start of a known session (reconnect or restart).", type: "counter") { $0.sessionsResumed.load(ordering: .relaxed) },
        Metric(name: "flowcoach_sessions_ended_total", help: "Sessions ended (session.end or resume window expired).", type: "counter") { $0.sessionsEnded.load(ordering: .relaxed) },
        Metric(name: "flowcoach_sessions_expired_total", help: "Sessions ended because nobody resumed them in time.", type: "counter") { $0.sessionsExpired.load(ordering: .relaxed) },
        Metric(name: "flowcoach_sessions_live", help: "Sessions held in memory now.", type: "gauge") { $0.sessionsLive.load(ordering: .relaxed) },
        Metric(name: "flowcoach_checkpoints_enqueued_total", help: "Session checkpoints handed to the writer.", type: "counter") { $0.checkpointsEnqueued.load(ordering: .relaxed) },
        Metric(name: "flowcoach_checkpoints_refused_total", help: "Checkpoints the writer queue refused (retried on the next tick).", type: "counter") { $0.checkpointsRefused.load(ordering: .relaxed) },
        Metric(name: "flowcoach_durable_acks_sent_total", help: "durable messages sent.", type: "counter") { $0.durableAcksSent.load(ordering: .relaxed) },
        Metric(name: "flowcoach_app_errors_total", help: "error messages sent.", type: "counter") { $0.appErrors.load(ordering: .relaxed) },
        Metric(name: "flowcoach_rate_limited_total", help: "Messages refused by the per-connection token bucket.", type: "counter") { $0.rateLimited.load(ordering: .relaxed) },
        Metric(name: "flowcoach_auth_failures_total", help: "Refused tokens (upgrade or hello).", type: "counter") { $0.authFailures.load(ordering: .relaxed) },
        Metric(name: "flowcoach_hand_overs_total", help: "Connections moved to their user's home loop after authentication.", type: "counter") { $0.handOvers.load(ordering: .relaxed) },
        Metric(name: "flowcoach_connections_refused_total", help: "Connections refused over limits.connections_per_ip.", type: "counter") { $0.connectionsRefused.load(ordering: .relaxed) },
        Metric(name: "flowcoach_channel_events_sent_total", help: "Channel event frames written to subscribers.", type: "counter") { $0.channelEventsSent.load(ordering: .relaxed) },
        Metric(name: "flowcoach_break_reminders_total", help: "break reminders sent.", type: "counter") { $0.breakReminders.load(ordering: .relaxed) },
    ]

    /// The exposition text for all loops (one series per loop, labelled `loop`).
    static func render(_ loops: [LoopStats], writer: WriterMetrics.Snapshot? = nil, droppedLeaderboardInputs: Int? = nil) -> String {
        var text = ""
        if let writer {
            let gauges: [(String, String, String, Int)] = [
                ("flowcoach_writer_queue_depth", "Records waiting for the persistence writer.", "gauge", writer.queueDepth),
                ("flowcoach_writer_enqueue_refused_total", "Records the full writer queue refused.", "counter", writer.enqueueRefused),
                ("flowcoach_writer_batches_total", "Transactions committed.", "counter", writer.batchesCommitted),
                ("flowcoach_writer_records_total", "Records committed.", "counter", writer.recordsCommitted),
                ("flowcoach_writer_last_batch_size", "Records in the last transaction.", "gauge", writer.lastBatchSize),
                ("flowcoach_writer_last_commit_microseconds", "Duration of the last commit.", "gauge", writer.lastCommitMicros),
                ("flowcoach_writer_failures_total", "Failed commits (retried).", "counter", writer.failures),
                ("flowcoach_writer_rejected_records_total", "Records the store refused for good.", "counter", writer.rejectedRecords),
                ("flowcoach_writer_conflicting_checkpoints_total", "Checkpoints not kept (never acked): session stored under another user.", "counter", writer.conflictingCheckpoints),
                ("flowcoach_store_available", "1 while the last commit succeeded.", "gauge", writer.storeAvailable ? 1 : 0),
                ("flowcoach_writer_spilled_records_total", "Records written to the spill journal while the store was down.", "counter", writer.spilledRecords),
                ("flowcoach_writer_replayed_records_total", "Records replayed from the spill journal into the store.", "counter", writer.replayedRecords),
                ("flowcoach_writer_journal_bytes", "Bytes in the spill journal now.", "gauge", writer.journalBytes),
            ]
            for (name, help, type, value) in gauges { appendSeries(name, help: help, type: type, value: value, to: &text) }
        }
        if let droppedLeaderboardInputs {
            appendSeries("flowcoach_leaderboard_dropped_inputs_total", help: "Leaderboard inputs dropped (inbox full).",
                         type: "counter", value: droppedLeaderboardInputs, to: &text)
        }
        text += ProcessMemory.sample().exposition
        for metric in metrics {
            text += "# HELP \(metric.name) \(metric.help)\n# TYPE \(metric.name) \(metric.type)\n"
            for (index, stats) in loops.enumerated() {
                text += "\(metric.name){loop=\"\(index)\"} \(metric.value(stats))\n"
            }
        }
        appendAnswerTimes(loops, to: &text)
        return text
    }

    /// `flowcoach_activity_answer_seconds`: the loops' histograms merged, one series per
    /// starting point (`since="wake"`, `since="read"`).
    private static func appendAnswerTimes(_ loops: [LoopStats], to text: inout String) {
        let name = "flowcoach_activity_answer_seconds"
        text += "# HELP \(name) Time from the loop's wake-up (since=wake) or its read of the connection (since=read) "
            + "to the write that handed an activity's flow answer to the kernel.\n# TYPE \(name) histogram\n"
        let series: [(String, (LoopStats) -> LatencyHistogram)] = [("wake", \.answerSinceWake), ("read", \.answerSinceRead)]
        for (since, histogram) in series {
            var merged = LatencyHistogram.Snapshot()
            for stats in loops { merged.add(histogram(stats).snapshot()) }
            var cumulative = 0
            for (index, count) in merged.counts.enumerated() {
                cumulative += count
                let bound = index < LatencyHistogram.upperBoundsNs.count ? seconds(LatencyHistogram.upperBoundsNs[index]) : "+Inf"
                text += "\(name)_bucket{since=\"\(since)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            text += "\(name)_sum{since=\"\(since)\"} \(seconds(merged.sumNs))\n"
            text += "\(name)_count{since=\"\(since)\"} \(cumulative)\n"
        }
    }

    /// Nanoseconds as decimal seconds, exactly and without trailing zeros (`50000` →
    /// `0.00005`).
    static func seconds(_ nanoseconds: Int) -> String {
        let whole = nanoseconds / 1_000_000_000
        var fraction = String(nanoseconds % 1_000_000_000)
        guard fraction != "0" else { return String(whole) }
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(whole).\(fraction)"
    }

    /// One unlabelled series with its HELP and TYPE lines.
    static func appendSeries(_ name: String, help: String, type: String, value: Int, to text: inout String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
    }
}
