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

    @Test("JSON log lines escape quotes, backslashes and control characters")
    func logEscaping() {
        var line = ""
        JSONLogHandler.appendQuoted("a\"b\\c\nd\u{01}é", to: &line)
        #expect(line == #""a\"b\\c\nd\u0001é""#)
    }
}
