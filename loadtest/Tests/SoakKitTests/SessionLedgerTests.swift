import SoakKit
import TestSupport
import Testing

struct SessionLedgerTests {
    static let key = SessionKey(high: 0x1234_5678_9ABC_4DEF, low: 0x8123_4567_89AB_CDEF)

    static func window(_ seq: Int64, keystrokes: Int64 = 10) -> ActivityWindow {
        ActivityWindow(seq: seq, atMs: 1_800_000_000_000 + seq * 10_000, windowMs: 10_000, keystrokes: keystrokes,
                       keystrokeIntervals: [], contextSwitches: 0, errorEvents: 0, focusMs: 10_000, filesModified: 1,
                       linesAdded: seq, linesDeleted: 1, fileSaved: false)
    }

    private func ledger(sent count: Int64) -> SessionLedger {
        var ledger = SessionLedger(session: Self.key)
        for seq in 1...count { ledger.sent(Self.window(seq), atNs: UInt64(seq) * 1_000) }
        return ledger
    }

    @Test("a flow of the same seq answers the activity and yields its round trip")
    func flowAnswers() {
        var ledger = ledger(sent: 3)
        #expect(ledger.inFlightCount == 3)
        #expect(ledger.receivedFlow(seq: 1, atNs: 5_000) == .answered(latencyNs: 4_000))
        #expect(ledger.receivedFlow(seq: 2, atNs: 5_000) == .answered(latencyNs: 3_000))
        #expect(ledger.inFlightCount == 1)
        #expect(ledger.processedSeq == 2)
    }

    @Test("a second flow for an answered seq is a server push, not a violation")
    func pushedFlow() {
        var ledger = ledger(sent: 2)
        _ = ledger.receivedFlow(seq: 2, atNs: 9_000)
        #expect(ledger.receivedFlow(seq: 2, atNs: 9_500) == .unsolicited)
    }

    @Test("a flow for a seq never sent is a violation")
    func flowBeyondSent() {
        var ledger = ledger(sent: 2)
        guard case .violation(let finding) = ledger.receivedFlow(seq: 3, atNs: 9_000) else {
            Issue.record("expected a violation")
            return
        }
        #expect(finding.kind == .flowForUnsentSeq)
    }

    @Test("durable acks advance and trim the replay set; a regression or an unsent seq is a violation")
    func durableAcks() {
        var ledger = ledger(sent: 5)
        #expect(ledger.receivedDurable(seq: 3) == nil)
        #expect(ledger.durableSeq == 3)
        #expect(ledger.retained.map(\.seq) == [4, 5])
        #expect(ledger.receivedDurable(seq: 3) == nil)  // a repeat is fine
        #expect(ledger.receivedDurable(seq: 2)?.kind == .durableRegressed)
        #expect(ledger.receivedDurable(seq: 6)?.kind == .durableBeyondSent)
        #expect(ledger.durableSeq == 3)
    }

    @Test("a resume replays exactly the windows after the server's last_seq, unchanged")
    func resumeReplay() {
        var ledger = ledger(sent: 6)
        _ = ledger.receivedFlow(seq: 1, atNs: 10_000)
        _ = ledger.receivedDurable(seq: 2)
        ledger.connectionLost()
        #expect(ledger.inFlightCount == 0)
        let outcome = ledger.receivedStarted(resumed: true, lastSeq: 4, durableSeq: 2)
        #expect(outcome.findings.isEmpty)
        #expect(!outcome.notResumed)
        #expect(outcome.replay == [Self.window(5), Self.window(6)])
        // The windows the server has but has not stored stay until a durable ack covers them.
        #expect(ledger.retained.map(\.seq) == [3, 4, 5, 6])
    }

    @Test("after a restart the server's durable_seq may exceed ours; everything after last_seq is replayed")
    func resumeAfterRestart() {
        var ledger = ledger(sent: 6)
        ledger.connectionLost()
        let outcome = ledger.receivedStarted(resumed: true, lastSeq: 3, durableSeq: 3)
        #expect(outcome.findings.isEmpty)
        #expect(outcome.replay.map(\.seq) == [4, 5, 6])
        #expect(ledger.durableSeq == 3)
        #expect(ledger.retained.map(\.seq) == [4, 5, 6])
    }

    @Test("a resume that forgets a durable ack, or claims unsent data, is reported")
    func resumeViolations() {
        var ledger = ledger(sent: 4)
        _ = ledger.receivedDurable(seq: 3)
        let lost = ledger.receivedStarted(resumed: true, lastSeq: 2, durableSeq: 2)
        #expect(lost.findings.map(\.kind) == [.durableLost])
        #expect(lost.replay.map(\.seq) == [4])  // 3 was acknowledged durable: it is gone from the replay set

        var other = self.ledger(sent: 2)
        let beyond = other.receivedStarted(resumed: true, lastSeq: 5, durableSeq: 6)
        #expect(beyond.findings.map(\.kind) == [.resumeInconsistent, .resumeInconsistent])
    }

    @Test("a fresh session is not a failed resume; a resume answered resumed:false is flagged")
    func notResumed() {
        var fresh = SessionLedger(session: Self.key)
        #expect(!fresh.receivedStarted(resumed: false, lastSeq: 0, durableSeq: 0).notResumed)
        var ledger = ledger(sent: 2)
        let outcome = ledger.receivedStarted(resumed: false, lastSeq: 0, durableSeq: 0)
        #expect(outcome.notResumed)
        #expect(outcome.replay.map(\.seq) == [1, 2])
    }

    @Test("replays are awaited again and their answers time them from the resend")
    func replayTiming() {
        var ledger = ledger(sent: 2)
        ledger.connectionLost()
        for window in ledger.receivedStarted(resumed: true, lastSeq: 0, durableSeq: 0).replay {
            ledger.resent(seq: window.seq, atNs: 100_000)
        }
        #expect(ledger.receivedFlow(seq: 1, atNs: 100_500) == .answered(latencyNs: 500))
    }

    @Test("activities without an answer by the deadline expire oldest first")
    func expiry() {
        var ledger = ledger(sent: 4)  // sent at 1, 2, 3, 4 µs
        #expect(ledger.expireInFlight(sentBeforeNs: 2_500) == [1, 2])
        #expect(ledger.inFlightCount == 2)
        #expect(ledger.oldestInFlightNs == 3_000)
    }

    @Test("the summary must equal the totals of every seq sent, replays counted once")
    func summaryCheck() {
        var ledger = ledger(sent: 3)
        ledger.connectionLost()
        for window in ledger.receivedStarted(resumed: true, lastSeq: 1, durableSeq: 0).replay {
            ledger.resent(seq: window.seq, atNs: 0)
        }
        let expected = ActivityTotals(keystrokes: 30, linesAdded: 6, linesDeleted: 3)
        #expect(ledger.totals == expected)
        #expect(ledger.checkSummary(expected) == nil)
        let finding = ledger.checkSummary(ActivityTotals(keystrokes: 40, linesAdded: 6, linesDeleted: 3))
        #expect(finding?.kind == .summaryMismatch)
        #expect(finding?.detail.contains("keystrokes 40") == true)
    }
}
