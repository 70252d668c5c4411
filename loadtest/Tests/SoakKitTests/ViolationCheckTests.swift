import SoakKit
import Testing

struct ChannelRateCheckTests {
    @Test("the snapshot and one event a second pass")
    func oncePerSecond() {
        var check = ChannelRateCheck(channel: "leaderboard:day:flow_time")
        #expect(check.receivedEvent(nowMs: 0) == nil)
        #expect(check.sawSnapshot)
        for second in 1...30 { #expect(check.receivedEvent(nowMs: Int64(second) * 1_000) == nil) }
        #expect(check.events == 30)
    }

    @Test("the snapshot right after an event is not counted against the rate")
    func snapshotFree() {
        var check = ChannelRateCheck(channel: "stats:me")
        #expect(check.receivedEvent(nowMs: 0) == nil)
        #expect(check.receivedEvent(nowMs: 10) == nil)
    }

    @Test("jitter is tolerated: two events read together after a stall")
    func jitter() {
        var check = ChannelRateCheck(channel: "stats:me")
        _ = check.receivedEvent(nowMs: 0)
        #expect(check.receivedEvent(nowMs: 1_000) == nil)
        #expect(check.receivedEvent(nowMs: 2_900) == nil)
        #expect(check.receivedEvent(nowMs: 2_901) == nil)
        #expect(check.receivedEvent(nowMs: 4_000) == nil)
    }

    @Test("a leaderboard update sent as snapshot + own-rank event counts once; repeated own-rank events count")
    func ownRankCompanion() {
        var check = ChannelRateCheck(channel: "leaderboard:day:flow_time")
        _ = check.receivedEvent(nowMs: 0)
        _ = check.receivedEvent(nowMs: 1, ownRankOnly: true)
        for second in 1...20 {
            #expect(check.receivedEvent(nowMs: Int64(second) * 1_000) == nil)
            #expect(check.receivedEvent(nowMs: Int64(second) * 1_000 + 2, ownRankOnly: true) == nil)
        }
        #expect(check.companions == 21 && check.events == 20)
        var repeated = ChannelRateCheck(channel: "leaderboard:day:flow_time")
        _ = repeated.receivedEvent(nowMs: 0)
        var findings = 0
        for tenth in 1...50 {
            if repeated.receivedEvent(nowMs: Int64(tenth) * 100, ownRankOnly: true) != nil { findings += 1 }
        }
        #expect(findings > 0)
    }

    @Test("a channel publishing twice a second is caught within a few seconds")
    func tooFast() {
        var check = ChannelRateCheck(channel: "leaderboard:week:coding_time")
        _ = check.receivedEvent(nowMs: 0)
        var findings: [SessionLedger.Finding] = []
        for index in 1...10 {
            if let finding = check.receivedEvent(nowMs: Int64(index) * 500) { findings.append(finding) }
        }
        #expect(!findings.isEmpty)
        #expect(findings.allSatisfy { $0.kind == .channelEventRate })
        #expect(findings.first?.detail.contains("leaderboard:week:coding_time") == true)
    }
}

struct ViolationLogTests {
    @Test("counts each kind and keeps the first example")
    func countsAndExample() {
        var log = ViolationLog()
        log.record(.summaryMismatch, "first")
        log.record(.summaryMismatch, "second")
        log.record(.unexpectedError, "rate_limited: slow down")
        #expect(log.total == 3)
        #expect(log.counts[.summaryMismatch] == 2)
        #expect(log.examples[.summaryMismatch] == "first")
        #expect(log.kinds == [.summaryMismatch, .unexpectedError])
    }

    @Test("the example is only built for the first of a kind")
    func lazyExample() {
        var log = ViolationLog()
        var built = 0
        func example() -> String {
            built += 1
            return "x"
        }
        for _ in 0..<5 { log.record(.activityUnanswered, example()) }
        #expect(built == 1)
    }

    @Test("merging adds counts and keeps existing examples")
    func merge() {
        var a = ViolationLog()
        a.record(.durableLost, "a")
        var b = ViolationLog()
        b.record(.durableLost, "b")
        b.record(.channelEventRate, "c")
        a.merge(b)
        #expect(a.counts == [.durableLost: 2, .channelEventRate: 1])
        #expect(a.examples == [.durableLost: "a", .channelEventRate: "c"])
    }

    @Test("every kind has a distinct snake_case name for the report")
    func names() {
        let names = ViolationKind.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.allSatisfy { $0 == "_" || ($0.isLetter && $0.isLowercase) || $0.isNumber } })
    }
}
