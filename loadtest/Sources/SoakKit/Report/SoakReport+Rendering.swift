import WireJSON

extension SoakReport {
    /// The report as JSON (snake_case keys; latencies in microseconds).
    public func jsonBytes() -> [UInt8] {
        var json = JSONWriter(capacity: 4096)
        json.beginObject()
        json.key("version"); json.value(string: version)
        json.key("passed"); json.value(passed)
        json.key("profile"); if let profile { json.value(string: profile) } else { json.null() }
        json.key("url"); json.value(string: url)
        json.key("sessions"); json.value(sessions)
        json.key("dashboards"); json.value(dashboards)
        json.key("interval_ms"); json.value(intervalMs)
        json.key("started_wall_ms"); json.value(startedWallMs)
        json.key("elapsed_s"); json.value(elapsedSeconds, fractionDigits: 3)
        json.key("load_s"); json.value(loadSeconds, fractionDigits: 3)
        json.key("throughput")
        json.beginObject()
        json.key("activities_sent"); json.value(counters.activitiesSent)
        json.key("activities_replayed"); json.value(counters.activitiesReplayed)
        json.key("flows_answered"); json.value(counters.flowsAnswered)
        json.key("flows_unsolicited"); json.value(counters.flowsUnsolicited)
        json.key("updates_per_s"); json.value(updatesPerSecond, fractionDigits: 1)
        json.key("peak_updates_per_s"); json.value(peakUpdatesPerSecond, fractionDigits: 1)
        json.key("durable_acks"); json.value(counters.durableAcks)
        json.key("channel_events"); json.value(counters.channelEvents)
        json.key("messages_received"); json.value(counters.messagesReceived)
        json.key("bytes_sent"); json.value(counters.bytesSent)
        json.key("bytes_received"); json.value(counters.bytesReceived)
        json.endObject()
        json.key("latency_us")
        Self.write(latency, to: &json)
        json.key("server_answer_us")
        if let times = serverAnswerTimes {
            json.beginObject()
            for (name, histogram) in [("since_wake", times.sinceWake), ("since_read", times.sinceRead)] {
                json.key(string: name)
                json.beginObject()
                json.key("count"); json.value(histogram.count)
                for (label, q) in Self.serverQuantiles {
                    json.key(string: label)
                    if let seconds = histogram.quantile(q) { json.value(seconds * 1e6, fractionDigits: 0) } else { json.null() }
                }
                json.endObject()
            }
            json.endObject()
        } else {
            json.null()
        }
        json.key("connections")
        json.beginObject()
        json.key("attempts"); json.value(counters.connectAttempts)
        json.key("succeeded"); json.value(counters.connectSuccesses)
        json.key("failed"); json.value(counters.connectFailures)
        json.key("disconnects"); json.value(counters.disconnects)
        json.key("churned"); json.value(counters.churned)
        json.key("first_failure"); if let firstConnectFailure { json.value(string: firstConnectFailure) } else { json.null() }
        json.endObject()
        json.key("sessions_detail")
        json.beginObject()
        json.key("started"); json.value(counters.sessionsStarted)
        json.key("resumed"); json.value(counters.sessionsResumed)
        json.key("summaries"); json.value(counters.summariesReceived)
        json.key("summaries_matching"); json.value(counters.summariesMatched)
        json.endObject()
        json.key("errors")
        json.beginObject()
        for code in errorsByCode.keys.sorted() { json.key(string: code); json.value(errorsByCode[code] ?? 0) }
        json.endObject()
        json.key("violations")
        json.beginObject()
        json.key("total"); json.value(violations.total)
        json.key("by_kind")
        json.beginObject()
        for kind in violations.kinds {
            json.key(string: kind.rawValue)
            json.beginObject()
            json.key("count"); json.value(violations.counts[kind] ?? 0)
            json.key("example"); json.value(string: violations.examples[kind] ?? "")
            json.endObject()
        }
        json.endObject()
        json.endObject()
        json.key("expect_restarts"); json.value(expectRestarts)
        json.key("jitter"); json.value(jitter)
        json.key("reconnect_storms")
        json.beginArray()
        for storm in storms {
            json.beginObject()
            json.key("first_lost_wall_ms"); json.value(storm.firstLostWallMs)
            json.key("last_back_wall_ms"); if let back = storm.lastBackWallMs { json.value(back) } else { json.null() }
            json.key("sessions_lost"); json.value(storm.sessionsLost)
            json.key("sessions_back"); json.value(storm.sessionsBack)
            json.key("all_back_s"); if let seconds = storm.secondsToAllBack { json.value(seconds, fractionDigits: 3) } else { json.null() }
            json.endObject()
        }
        json.endArray()
        json.key("storm_latency_us")
        Self.write(stormLatency, to: &json)
        json.key("timeline")
        json.beginArray()
        for point in timeline {
            json.beginObject()
            json.key("t"); json.value(point.elapsedSeconds, fractionDigits: 3)
            json.key("open"); json.value(point.openConnections)
            json.key("answered"); json.value(point.answered)
            json.key("p50_us"); json.value(Int64(clamping: point.p50Micros))
            json.key("p99_us"); json.value(Int64(clamping: point.p99Micros))
            json.endObject()
        }
        json.endArray()
        json.key("client")
        json.beginObject()
        json.key("cpu_s"); json.value(clientCPUSeconds, fractionDigits: 2)
        json.key("rss_peak_kib"); json.value(clientPeakRSSKiB)
        json.endObject()
        json.key("server")
        if let server {
            json.beginObject()
            json.key("pid"); json.value(Int64(server.pid))
            json.key("rss_start_kib"); json.value(server.rssStartKiB)
            json.key("rss_end_kib"); json.value(server.rssEndKiB)
            json.key("rss_max_sampled_kib"); json.value(server.rssMaxSampledKiB)
            json.key("rss_peak_kib"); json.value(server.rssPeakKiB)
            json.key("cpu_s"); json.value(server.cpuSeconds, fractionDigits: 2)
            json.key("cpu_percent"); json.value(server.cpuPercent, fractionDigits: 1)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
        var bytes = json.bytes
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The percentiles reported from the server's histogram (interpolated inside buckets).
    static let serverQuantiles: [(String, Double)] = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999)]

    private static func write(_ latency: LatencySummary, to json: inout JSONWriter) {
        json.beginObject()
        json.key("count"); json.value(Int64(clamping: latency.count))
        json.key("p50"); json.value(Int64(clamping: latency.p50))
        json.key("p90"); json.value(Int64(clamping: latency.p90))
        json.key("p99"); json.value(Int64(clamping: latency.p99))
        json.key("p99_9"); json.value(Int64(clamping: latency.p999))
        json.key("max"); json.value(Int64(clamping: latency.max))
        json.key("mean"); json.value(latency.mean, fractionDigits: 1)
        json.endObject()
    }

    /// The report as text lines for the terminal.
    public func text() -> String {
        var lines: [String] = []
        lines.append("flowcoach-soak \(version) — \(profile.map { "profile \($0), " } ?? "")\(url)\(jitter ? "" : " (no jitter)")")
        lines.append("  load: \(sessions) sessions, \(dashboards) dashboards, interval \(intervalMs) ms; "
            + "\(Self.fixed(loadSeconds, 1)) s of load, \(Self.fixed(elapsedSeconds, 1)) s in all")
        lines.append("  throughput: \(counters.flowsAnswered) activities answered (\(counters.activitiesSent) sent, "
            + "\(counters.activitiesReplayed) replayed), \(Self.fixed(updatesPerSecond, 1)) updates/s, "
            + "peak \(Self.fixed(peakUpdatesPerSecond, 0))/s")
        lines.append("  round trip (µs): p50 \(latency.p50)  p90 \(latency.p90)  p99 \(latency.p99)  "
            + "p99.9 \(latency.p999)  max \(latency.max)  mean \(Self.fixed(latency.mean, 1))  (n=\(latency.count))")
        if let times = serverAnswerTimes {
            for (name, histogram) in [("since wake", times.sinceWake), ("since read", times.sinceRead)] {
                let figures = Self.serverQuantiles.map { label, q in
                    "\(label) " + (histogram.quantile(q).map { Self.fixed($0 * 1e6, 0) } ?? "-")
                }
                lines.append("  server answer (µs, /metrics), \(name): " + figures.joined(separator: "  ") + "  (n=\(histogram.count))")
            }
        } else if let serverMetricsFailure {
            lines.append("  server answer: not read (\(serverMetricsFailure))")
        }
        lines.append("  connections: \(counters.connectSuccesses) succeeded, \(counters.connectFailures) failed"
            + " of \(counters.connectAttempts) attempts; \(counters.disconnects) unexpected disconnects, "
            + "\(counters.churned) churned" + (firstConnectFailure.map { "; first failure: \($0)" } ?? ""))
        lines.append("  sessions: \(counters.sessionsStarted) started, \(counters.sessionsResumed) resumed, "
            + "\(counters.summariesMatched)/\(counters.summariesReceived) summaries matching; "
            + "\(counters.durableAcks) durable acks, \(counters.channelEvents) channel events")
        for storm in storms {
            let outcome = storm.secondsToAllBack.map { "all back \(Self.fixed($0, 2)) s after the first drop" }
                ?? "\(storm.sessionsLost - storm.sessionsBack) never back"
            lines.append("  reconnect storm: \(storm.sessionsLost) sessions dropped by the server, \(outcome)")
        }
        if !storms.isEmpty {
            lines.append("  round trip during storms (µs): p50 \(stormLatency.p50)  p99 \(stormLatency.p99)  "
                + "max \(stormLatency.max)  (n=\(stormLatency.count))")
        }
        if errorsByCode.isEmpty {
            lines.append("  errors: none")
        } else {
            lines.append("  errors: " + errorsByCode.keys.sorted().map { "\($0) \(errorsByCode[$0] ?? 0)" }.joined(separator: ", "))
        }
        if violations.total == 0 {
            lines.append("  violations: none")
        } else {
            lines.append("  violations: \(violations.total)")
            for kind in violations.kinds {
                lines.append("    \(kind.rawValue): \(violations.counts[kind] ?? 0) — e.g. \(violations.examples[kind] ?? "")")
            }
        }
        if let server {
            lines.append("  server pid \(server.pid): RSS \(server.rssStartKiB / 1024) → \(server.rssEndKiB / 1024) MiB "
                + "(max sampled \(server.rssMaxSampledKiB / 1024) MiB, peak \(server.rssPeakKiB / 1024) MiB); "
                + "CPU \(Self.fixed(server.cpuSeconds, 1)) s (\(Self.fixed(server.cpuPercent, 0)) %)")
        }
        lines.append("  client: CPU \(Self.fixed(clientCPUSeconds, 1)) s, peak RSS \(clientPeakRSSKiB / 1024) MiB")
        lines.append(passed ? "  result: PASS" : "  result: FAIL")
        return lines.joined(separator: "\n")
    }

    /// `value` with `digits` decimals (no Foundation formatting).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        var fractionText = String(fraction)
        while fractionText.count < digits { fractionText = "0" + fractionText }
        return "\(sign)\(whole).\(fractionText)"
    }
}
