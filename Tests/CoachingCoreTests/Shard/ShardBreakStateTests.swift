import FlowEngine
import Testing
@testable import CoachingCore

/// The break scheduler's state goes to the store with the baseline and comes back when
/// the user's state is loaded (another node, or a restart): a reminder already sent is not
/// sent again for the same break, and the next one is still sent once.
struct ShardBreakStateTests {
    /// Sends one-minute windows until a `break` arrives (or `limit` windows); returns its
    /// `reminder` and the next seq.
    static func feedUntilBreak(_ harness: ShardHarness, _ connection: CoachingConnection, _ session: String,
                               fromSeq: Int64, limit: Int) -> (reminder: String?, nextSeq: Int64) {
        var seq = fromSeq
        for _ in 0..<limit {
            harness.advance(ms: 60_000)
            harness.activity(connection, session, seq: seq, windowMs: 60_000)
            seq += 1
            if let reminder = harness.shell.messages(to: connection.id).first(where: { $0["type"] as? String == "break" }) {
                return (reminder["reminder"] as? String, seq)
            }
        }
        return (nil, seq)
    }

    /// The user as the next node loads them: with the coach state the first one saved last.
    static func loaded(_ user: AuthenticatedUser, from shell: RecordingShell) -> AuthenticatedUser {
        var loaded = user
        loaded.profile.baseline = shell.records.reversed().lazy.compactMap { record -> BaselineRecord? in
            if case .baseline(let baseline) = record { return baseline }
            return nil
        }.first
        return loaded
    }

    @Test("a reminder sent before the move is not sent again; the next one comes with the next id")
    func reminderNotRepeatedAfterMove() throws {
        let first = ShardHarness()
        let user = ShardHarness.user("breaker")
        let editor = first.connect(user)
        let session = ShardHarness.newSession()
        first.start(editor, session)
        let sent = Self.feedUntilBreak(first, editor, session, fromSeq: 1, limit: 60)
        #expect(sent.reminder == "b-1")
        let saved = try #require(Self.loaded(user, from: first.shell).profile.baseline)
        #expect(!saved.breaks.isEmpty)  // stored with the reminder, before any checkpoint interval

        let next = ShardHarness()
        next.time = first.time
        let moved = next.connect(Self.loaded(user, from: first.shell))
        next.start(moved, session)
        let after = Self.feedUntilBreak(next, moved, session, fromSeq: sent.nextSeq, limit: 10)
        #expect(after.reminder == nil)
        let repeated = Self.feedUntilBreak(next, moved, session, fromSeq: after.nextSeq, limit: 30)
        #expect(repeated.reminder == "b-2")
    }

    @Test("without the saved state the next node reminds again at once (what the restore prevents)")
    func freshStateWouldRepeat() {
        let first = ShardHarness()
        let user = ShardHarness.user("breaker")
        let editor = first.connect(user)
        let session = ShardHarness.newSession()
        first.start(editor, session)
        let sent = Self.feedUntilBreak(first, editor, session, fromSeq: 1, limit: 60)
        var blank = Self.loaded(user, from: first.shell)
        blank.profile.baseline?.breaks = []
        let next = ShardHarness()
        next.time = first.time
        let moved = next.connect(blank)
        next.start(moved, session)
        #expect(Self.feedUntilBreak(next, moved, session, fromSeq: sent.nextSeq, limit: 60).reminder == "b-1")
    }

    @Test("a break.ack is stored at once: a snooze holds on the next node")
    func ackStored() throws {
        let first = ShardHarness()
        let user = ShardHarness.user("snoozer")
        let editor = first.connect(user)
        let session = ShardHarness.newSession()
        first.start(editor, session)
        let sent = Self.feedUntilBreak(first, editor, session, fromSeq: 1, limit: 60)
        let reminder = try #require(sent.reminder)
        let before = first.shell.records.count
        first.send(editor, ["type": "break.ack", "reminder": reminder, "action": "snoozed"])
        #expect(first.shell.records.count == before + 1)
        let stored = try #require(Self.loaded(user, from: first.shell).profile.baseline)
        var coach = UserCoach()
        let restored = coach.restoreBreaks(from: stored.breaks)
        #expect(restored)
        // The snooze answered the reminder: it is no longer outstanding on the next node.
        let answeredAgain = coach.receivedBreakAck(reminder: 1, action: .taken, atMs: first.time.wallMs)
        #expect(!answeredAgain)
    }

    @Test("each coach state handed to the writer is newer than the last, also within one millisecond and after a clock behind the previous owner's")
    func savesAreOrdered() throws {
        let first = ShardHarness()
        var user = ShardHarness.user("clock")
        user.profile.baseline = BaselineRecord(userId: user.user.id, updatedAtMs: first.time.wallMs + 60_000, bytes: [])
        let editor = first.connect(user)
        let session = ShardHarness.newSession()
        first.start(editor, session)
        let sent = Self.feedUntilBreak(first, editor, session, fromSeq: 1, limit: 60)
        let reminder = try #require(sent.reminder)
        first.send(editor, ["type": "break.ack", "reminder": reminder, "action": "snoozed"])  // same millisecond
        let saved = first.shell.records.compactMap { record -> Int64? in
            if case .baseline(let baseline) = record { return baseline.updatedAtMs }
            return nil
        }
        #expect(saved.count >= 2)
        #expect(zip(saved, saved.dropFirst()).allSatisfy { $0 < $1 })
        #expect((saved.first ?? 0) > user.profile.baseline?.updatedAtMs ?? .max)
    }
}
