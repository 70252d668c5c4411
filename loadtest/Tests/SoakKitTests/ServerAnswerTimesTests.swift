@testable import SoakKit
import Testing

struct ServerAnswerTimesTests {
    private func exposition(wake: [(String, Int)], read: [(String, Int)]) -> String {
        var text = "# HELP flowcoach_activity_answer_seconds x\n# TYPE flowcoach_activity_answer_seconds histogram\n"
        for (since, buckets) in [("wake", wake), ("read", read)] {
            for (le, count) in buckets {
                text += "flowcoach_activity_answer_seconds_bucket{since=\"\(since)\",le=\"\(le)\"} \(count)\n"
            }
            text += "flowcoach_activity_answer_seconds_count{since=\"\(since)\"} \(buckets.last?.1 ?? 0)\n"
        }
        return "flowcoach_messages_sent_total{loop=\"0\"} 9\n" + text
    }

    @Test("both series are read from the exposition, bounds in seconds with +Inf last")
    func parses() throws {
        let times = try #require(ServerAnswerTimes(exposition: exposition(
            wake: [("0.001", 5), ("0.002", 9), ("+Inf", 10)], read: [("0.001", 10), ("0.002", 10), ("+Inf", 10)])))
        #expect(times.sinceWake.bounds == [0.001, 0.002, .infinity])
        #expect(times.sinceWake.cumulative == [5, 9, 10])
        #expect(times.sinceRead.count == 10)
        #expect(ServerAnswerTimes(exposition: "flowcoach_messages_sent_total{loop=\"0\"} 9\n") == nil)
    }

    @Test("the run's share is the difference of two scrapes; quantiles interpolate inside a bucket")
    func deltaAndQuantiles() throws {
        let before = try #require(ServerAnswerTimes(exposition: exposition(
            wake: [("0.001", 100), ("0.002", 100), ("+Inf", 100)], read: [("0.001", 100), ("0.002", 100), ("+Inf", 100)])))
        let after = try #require(ServerAnswerTimes(exposition: exposition(
            wake: [("0.001", 150), ("0.002", 199), ("+Inf", 200)], read: [("0.001", 200), ("0.002", 200), ("+Inf", 200)])))
        let run = after.subtracting(before)
        #expect(run.sinceWake.cumulative == [50, 99, 100])
        // 50 of 100 in (0, 1 ms]: the median is that bucket's top.
        #expect(abs((run.sinceWake.quantile(0.5) ?? 0) - 0.001) < 1e-12)
        // The 90th of 100 lies 40 of 49 into (1, 2 ms].
        #expect(abs((run.sinceWake.quantile(0.9) ?? 0) - (0.001 + 0.001 * 40 / 49)) < 1e-12)
        // Past the last finite bound: that bound.
        #expect(run.sinceWake.quantile(0.999) == 0.002)
        #expect(abs((run.sinceRead.quantile(0.99) ?? 0) - 0.00099) < 1e-12)
        #expect(ServerAnswerTimes.Histogram().quantile(0.5) == nil)
    }

    @Test("a scrape's body is taken from a 200 only")
    func responseBody() throws {
        let ok = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nmetric 1\n".utf8)
        #expect(try MetricsScrape.body(ofResponse: ok) == "metric 1\n")
        let refused = Array("HTTP/1.1 401 Unauthorized\r\n\r\nno\n".utf8)
        #expect(throws: MetricsScrape.Failure.self) { try MetricsScrape.body(ofResponse: refused) }
        #expect(throws: MetricsScrape.Failure.self) { try MetricsScrape.body(ofResponse: Array("HTTP/1.1 200".utf8)) }
    }

    @Test("the metrics URL needs http://HOST:PORT; the path defaults to /metrics")
    func url() throws {
        let scrape = try MetricsScrape(url: "http://127.0.0.1:9464", token: "t")
        #expect(scrape.host == "127.0.0.1" && scrape.port == 9464 && scrape.path == "/metrics" && scrape.token == "t")
        #expect(throws: ConfigurationError.self) { try MetricsScrape(url: "https://127.0.0.1:1/metrics", token: nil) }
        #expect(throws: ConfigurationError.self) { try MetricsScrape(url: "http://127.0.0.1/metrics", token: nil) }
    }
}
