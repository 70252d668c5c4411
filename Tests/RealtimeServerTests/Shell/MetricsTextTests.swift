@testable import CoachingCore
import Testing

@testable import RealtimeServer

struct MetricsTextTests {
    @Test("metrics render one labelled series per loop in Prometheus text format")
    func rendersEveryLoop() {
        let first = LoopStats()
        let second = LoopStats()
        first.add(.messagesReceived, 3)
        second.add(.messagesReceived, 4)
        let text = MetricsText.render([first, second])
        #expect(text.contains("# TYPE flowcoach_messages_received_total counter\n"))
        #expect(text.contains("flowcoach_messages_received_total{loop=\"0\"} 3\n"))
        #expect(text.contains("flowcoach_messages_received_total{loop=\"1\"} 4\n"))
        #expect(text.contains("# TYPE flowcoach_connections_open gauge\n"))
    }

    @Test("answer times render as one cumulative histogram per starting point, the loops merged, in seconds")
    func answerTimesHistogram() {
        let first = LoopStats()
        let second = LoopStats()
        first.answerSinceWake.record(40_000)
        second.answerSinceWake.record(1_200_000, count: 2)
        second.answerSinceRead.record(30_000, count: 2)
        let text = MetricsText.render([first, second])
        #expect(text.contains("# TYPE flowcoach_activity_answer_seconds histogram\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_bucket{since=\"wake\",le=\"0.00005\"} 1\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_bucket{since=\"wake\",le=\"0.001\"} 1\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_bucket{since=\"wake\",le=\"0.0015\"} 3\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_bucket{since=\"wake\",le=\"1\"} 3\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_bucket{since=\"wake\",le=\"+Inf\"} 3\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_sum{since=\"wake\"} 0.00244\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_count{since=\"wake\"} 3\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_count{since=\"read\"} 2\n"))
        #expect(text.contains("flowcoach_activity_answer_seconds_sum{since=\"read\"} 0.00006\n"))
    }

    @Test("nanoseconds print as exact decimal seconds")
    func secondsText() {
        #expect(MetricsText.seconds(0) == "0")
        #expect(MetricsText.seconds(50_000) == "0.00005")
        #expect(MetricsText.seconds(1_500_000) == "0.0015")
        #expect(MetricsText.seconds(1_000_000_000) == "1")
        #expect(MetricsText.seconds(12_000_000_001) == "12.000000001")
    }

    @Test("process memory takes RSS and its anonymous and file-backed parts from /proc status text")
    func processMemoryFields() {
        var memory = ProcessMemory()
        memory.readFields(of: "Name:\tflowcoach\nVmHWM:\t  120000 kB\nVmRSS:\t  103200 kB\nRssAnon:\t   70000 kB\nRssFile:\t   33000 kB\nRssShmem:\t     200 kB\n")
        #expect(memory.residentBytes == 103_200 * 1024)
        #expect(memory.residentAnonymousBytes == 70_000 * 1024)
        #expect(memory.residentFileBytes == 33_000 * 1024)
    }

    @Test("the metrics carry this process's resident memory and malloc's bytes in use")
    func processMemoryIsLive() {
        let memory = ProcessMemory.sample()
        #expect(memory.residentBytes > 0)
        #expect(memory.residentAnonymousBytes > 0)
        #expect(memory.heapInUseBytes > 0)
        let text = MetricsText.render([LoopStats()])
        #expect(text.contains("# TYPE process_resident_memory_bytes gauge\n"))
        #expect(text.contains("# TYPE flowcoach_heap_in_use_bytes gauge\n"))
    }

    @Test("JSON log lines escape quotes, backslashes and control characters")
    func logEscaping() {
        var line = ""
        JSONLogHandler.appendQuoted("a\"b\\c\nd\u{01}é", to: &line)
        #expect(line == #""a\"b\\c\nd\u0001é""#)
    }
}
