import Testing
@testable import CoachingCore

struct HeartbeatDurationsTests {
    let base: Int64 = 1_700_000_000_000  // 2023-11-14T22:13:20Z
    let utc: (Int64) -> Int64 = { _ in 0 }

    func beat(_ offsetS: Int64, project: String = "p", language: String = "Swift") -> HeartbeatRecord {
        HeartbeatRecord(timeMs: base + offsetS * 1000, entity: "/a.swift", project: project, language: language)
    }

    @Test("gaps below the timeout count, a gap at or over it is a break, the last heartbeat adds nothing")
    func gaps() {
        let beats = [beat(0), beat(60), beat(120), beat(120 + 900), beat(120 + 900 + 30)]
        let days = HeartbeatDurations.days(of: beats, timeoutMs: HeartbeatDurations.defaultTimeoutMs, utcOffsetMs: utc)
        #expect(days.count == 1)
        #expect(days.first?.activeMs == 150_000)
    }

    @Test("time goes to the earlier heartbeat's language and project")
    func attribution() {
        let beats = [beat(0, language: "Swift"), beat(100, project: "q", language: "C"), beat(160)]
        let day = HeartbeatDurations.days(of: beats, timeoutMs: 900_000, utcOffsetMs: utc).first
        #expect(day?.languageMs == ["Swift": 100_000, "C": 60_000])
        #expect(day?.projectMs == ["p": 100_000, "q": 60_000])
    }

    @Test("unsorted input and equal times give the same totals")
    func unsorted() {
        let beats = [beat(120), beat(0), beat(60), beat(60)]
        #expect(HeartbeatDurations.days(of: beats, timeoutMs: 900_000, utcOffsetMs: utc).first?.activeMs == 120_000)
    }

    @Test("time a live session covered is not counted again")
    func coveredBySession() {
        let beats = [beat(0), beat(60), beat(120), beat(180)]
        let session = TimeSpan(startMs: base + 30_000, endMs: base + 150_000)
        let days = HeartbeatDurations.days(of: beats, timeoutMs: 900_000, covered: [session], utcOffsetMs: utc)
        #expect(days.first?.activeMs == 60_000)  // 0…30 s and 150…180 s
    }

    @Test("a gap across local midnight is split between the days")
    func midnight() {
        // 2023-11-14T23:59:00Z and 2023-11-15T00:01:00Z.
        let midnight: Int64 = 1_700_006_400_000
        let beats = [HeartbeatRecord(timeMs: midnight - 60_000, entity: "e"), HeartbeatRecord(timeMs: midnight + 60_000, entity: "e")]
        let days = HeartbeatDurations.days(of: beats, timeoutMs: 900_000, utcOffsetMs: utc)
        #expect(days.map(\.day) == ["2023-11-14", "2023-11-15"])
        #expect(days.map(\.activeMs) == [60_000, 60_000])
        let east = HeartbeatDurations.days(of: beats, timeoutMs: 900_000, utcOffsetMs: { _ in 3_600_000 })
        #expect(east.map(\.day) == ["2023-11-15"])
    }

    @Test("the timeout is the user's")
    func customTimeout() {
        let beats = [beat(0), beat(200), beat(400)]
        #expect(HeartbeatDurations.days(of: beats, timeoutMs: 120_000, utcOffsetMs: utc).isEmpty)
        #expect(HeartbeatDurations.days(of: beats, timeoutMs: 300_000, utcOffsetMs: utc).first?.activeMs == 400_000)
    }

    @Test("covered spans are merged and subtracted exactly")
    func spanAlgebra() {
        let merged = HeartbeatDurations.union([TimeSpan(startMs: 5, endMs: 10), TimeSpan(startMs: 0, endMs: 6), TimeSpan(startMs: 20, endMs: 30)])
        #expect(merged == [TimeSpan(startMs: 0, endMs: 10), TimeSpan(startMs: 20, endMs: 30)])
        #expect(HeartbeatDurations.subtract(merged, from: TimeSpan(startMs: 8, endMs: 25)) == [TimeSpan(startMs: 10, endMs: 20)])
        #expect(HeartbeatDurations.subtract(merged, from: TimeSpan(startMs: 0, endMs: 10)).isEmpty)
    }
}
