import CoachingCore
import FlowEngine
@testable import CoachingCore
import Testing

struct LiveSessionTests {
    private static let sessionID = SessionID(high: 0x0123_4567_89ab_4cde, low: 0x8123_4567_89ab_cdef)

    private func window(seq: Int64, atMs: Int64) -> ActivityWindow {
        ActivityWindow(
            seq: seq, atMs: atMs, windowMs: 5_000, keystrokes: 30, keystrokeIntervals: Array(repeating: 150, count: 30),
            focusMs: 5_000, linesAdded: 2, linesDeleted: 1, language: "swift")
    }

    @Test("a restored session's checkpoint adds the live part to the stored totals")
    func restoredTotals() {
        var coach = UserCoach()
        let stored = SessionCheckpoint(
            sessionId: Self.sessionID.description, userId: "u", seq: 7, startedAtMs: 1_000, lastAtMs: 40_000,
            totals: CheckpointTotals(activeMs: 35_000, flowMs: 0, keystrokes: 210, linesAdded: 14, linesDeleted: 7),
            days: [SessionDayTotals(day: "1970-01-01", activeMs: 35_000, keystrokes: 210, linesAdded: 14, linesDeleted: 7,
                                   languageMs: ["swift": 35_000])])
        let live = LiveSession(id: Self.sessionID, userId: "u", flow: coach.startSession(atMs: 40_000), startedAtMs: 40_000,
                               nowMono: 0, restoring: stored)
        #expect(live.lastSeq == 7 && live.durableSeq == 7 && live.startedAtMs == 1_000)
        for seq in Int64(8)...10 {
            let window = window(seq: seq, atMs: 40_000 + (seq - 7) * 5_000)
            _ = coach.ingest(window, session: &live.flow)
            live.lastSeq = seq
            live.days.update(day: 0) { tally in
                tally.activeMs += 5_000
                tally.keystrokes += 30
                tally.addLanguage("swift", ms: 5_000)
            }
        }
        let checkpoint = live.checkpoint(endMs: 55_000)
        #expect(checkpoint.seq == 10)
        #expect(checkpoint.totals.activeMs == 50_000)
        #expect(checkpoint.totals.keystrokes == 300)
        #expect(checkpoint.totals.linesAdded == 20 && checkpoint.totals.linesDeleted == 10)
        #expect(checkpoint.days.count == 1)
        #expect(checkpoint.days[0].activeMs == 50_000 && checkpoint.days[0].keystrokes == 300)
        #expect(checkpoint.languageMs == ["swift": 50_000])
    }

    @Test("a new session starts at seq 0 with empty totals")
    func fresh() {
        var coach = UserCoach()
        let live = LiveSession(id: Self.sessionID, userId: "u", flow: coach.startSession(atMs: 5, project: "p"), startedAtMs: 5,
                               nowMono: 0)
        let checkpoint = live.checkpoint(endMs: 5)
        #expect(checkpoint.seq == 0 && checkpoint.totals == CheckpointTotals() && checkpoint.days.isEmpty)
        #expect(checkpoint.project == "p" && !checkpoint.ended)
    }

    @Test("duplicates are answered from the last four answers")
    func answeredRing() {
        var ring = AnsweredFlows()
        for seq in Int64(1)...6 {
            var assessment = FlowAssessment.initial(seq: seq, atMs: seq)
            assessment.flowMs = seq * 1_000
            ring.remember(AnsweredFlow(assessment))
        }
        #expect(ring.answer(for: 6)?.flowMs == 6_000)
        #expect(ring.answer(for: 3)?.flowMs == 3_000)
        #expect(ring.answer(for: 2) == nil)
        #expect(ring.answer(for: 0) == nil)
    }
}
