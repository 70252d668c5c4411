import Glibc
import Histogram
import SoakKit
import Testing
import WireJSON

struct SoakReportTests {
    private func sample() -> SoakReport {
        var report = SoakReport()
        report.profile = "smoke"
        report.url = "ws://127.0.0.1:1/v1/ws"
        report.sessions = 100
        report.loadSeconds = 50
        report.elapsedSeconds = 55
        report.counters.connectAttempts = 104
        report.counters.connectSuccesses = 104
        report.counters.flowsAnswered = 10_000
        report.counters.activitiesSent = 10_000
        var histogram = LatencySummary.makeHistogram()
        for value in 1...1_000 { _ = histogram.record(UInt64(value)) }
        report.latency = LatencySummary(histogram)
        report.server = SoakReport.ServerUsage(pid: 42, rssStartKiB: 10_240, rssEndKiB: 20_480, rssMaxSampledKiB: 20_480,
                                                 rssPeakKiB: 21_000, cpuSeconds: 5.5, cpuPercent: 10)
        return report
    }

    @Test("percentiles come from the HDR histogram")
    func percentiles() {
        let latency = sample().latency
        #expect(latency.count == 1_000)
        #expect(latency.p50 >= 499 && latency.p50 <= 501)
        #expect(latency.p99 >= 989 && latency.p99 <= 991)
        #expect(latency.max >= 1_000 && latency.max <= 1_001)
    }

    @Test("a clean run passes; a violation or a connection failure fails it unless restarts were expected")
    func passFail() {
        var report = sample()
        #expect(report.passed)
        #expect(report.updatesPerSecond == 200)
        report.counters.connectFailures = 1
        #expect(!report.passed)
        report.expectRestarts = 1
        #expect(report.passed)
        report.violations.record(.summaryMismatch, "x")
        #expect(!report.passed)
        var empty = SoakReport()
        empty.counters.connectSuccesses = 0
        #expect(!empty.passed, "a run that never connected did not pass")
    }

    @Test("the JSON report parses and carries the figures and violations")
    func json() throws {
        var report = sample()
        report.violations.record(.channelEventRate, "channel stats:me: too fast")
        report.errorsByCode["rate_limited"] = 3
        report.storms = [ResumeStorm(firstLostWallMs: 1_000, lastBackWallMs: 4_250, sessionsLost: 10_000, sessionsBack: 10_000)]
        report.timeline = [TimelinePoint(elapsedSeconds: 1, openConnections: 100, answered: 0, p50Micros: 0, p99Micros: 0),
                           TimelinePoint(elapsedSeconds: 2, openConnections: 100, answered: 2_000, p50Micros: 150, p99Micros: 900)]
        let bytes = report.jsonBytes()
        var parser = JSONParser()
        try bytes.withUnsafeBytes { raw in
            let object = try parser.parseObject(raw)
            #expect(try object.bool("passed") == false)
            #expect(try object.ownedString("profile") == "smoke")
            #expect(try object.object("throughput").int64("flows_answered") == 10_000)
            #expect(try object.object("throughput").double("updates_per_s") == 200)
            #expect(try object.object("latency_us").int64("p50") == Int64(report.latency.p50))
            #expect(try object.object("connections").int64("succeeded") == 104)
            #expect(try object.object("errors").int64("rate_limited") == 3)
            let violations = try object.object("violations")
            #expect(try violations.int64("total") == 1)
            #expect(try violations.object("by_kind").object("channel_event_rate").ownedString("example") == "channel stats:me: too fast")
            #expect(try object.object("server").int64("rss_end_kib") == 20_480)
            #expect(try object.ownedString("version") == SoakVersion.current)
            let storms = Array(try object.array("reconnect_storms"))
            #expect(storms.count == 1)
            let storm = try #require(storms.first).object()
            #expect(try storm.int64("sessions_lost") == 10_000)
            #expect(try storm.double("all_back_s") == 3.25)
            let timeline = Array(try object.array("timeline"))
            #expect(try timeline.last?.object().int64("answered") == 2_000)
        }
    }

    @Test("the text report names the result and each violation with its example")
    func text() {
        var report = sample()
        #expect(report.text().contains("result: PASS"))
        report.violations.record(.durableLost, "session s: durable_seq 2 after 3")
        let text = report.text()
        #expect(text.contains("durable_lost: 1 — e.g. session s: durable_seq 2 after 3"))
        #expect(text.contains("result: FAIL"))
        #expect(text.contains("200.0 updates/s"))
    }
}

struct ProcessUsageTests {
    @Test("CPU ticks are fields 14 and 15 of /proc/pid/stat, counted after the command name")
    func stat() {
        let line = "1234 (flow coach (x)) S 1 1234 1234 0 -1 4194560 500 0 0 0 150 25 0 0 20 0 4 0 100 1000 200 18446744073709551615"
        #expect(ProcessUsage.cpuTicks(stat: line) == 175)
        #expect(ProcessUsage.cpuTicks(stat: "garbage") == nil)
    }

    @Test("RSS and its peak come from /proc/pid/status in KiB")
    func status() {
        let status = "Name:\tflowcoach\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n"
        #expect(ProcessUsage.statusKiB(status, "VmRSS") == 102_400)
        #expect(ProcessUsage.statusKiB(status, "VmHWM") == 204_800)
        #expect(ProcessUsage.statusKiB(status, "VmSwap") == nil)
    }

    @Test("this process can be read from /proc")
    func readSelf() throws {
        let usage = try #require(ProcessUsage.read(pid: getpid()))
        #expect(usage.rssKiB > 0 && usage.peakRSSKiB >= usage.rssKiB)
    }
}

struct TimerQueueTests {
    @Test("deadlines pop in time order and only when due")
    func order() {
        var queue = TimerQueue()
        for (index, due) in [50, 10, 40, 10, 30, 20].enumerated() {
            queue.schedule(.init(dueNs: UInt64(due), slot: Int32(index), generation: 0))
        }
        #expect(queue.popDue(nowNs: 5) == nil)
        var popped: [UInt64] = []
        while let entry = queue.popDue(nowNs: 45) { popped.append(entry.dueNs) }
        #expect(popped == [10, 10, 20, 30, 40])
        #expect(queue.nextDueNs == 50)
        #expect(queue.count == 1)
    }
}
