import Foundation
import CoachingCore
import Persistence
import PersistenceTestSupport
import Testing

struct SQLiteStoreCheckpointTests {
    @Test("a newer seq replaces the totals and an older seq never overwrites them")
    func upsertGuardedBySeq() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let session = UUID().uuidString.lowercased()

        let first = try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 10, activeMs: 100_000)])
        #expect(first.stored == 1)
        let newer = try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 20, activeMs: 200_000)])
        #expect(newer.stored == 1)
        let older = try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 15, activeMs: 150_000)])
        #expect(older.stored == 0 && older.stale == 1)
        // An equal seq that says no more (a replay) changes nothing…
        let equal = try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 20, activeMs: 150_000)])
        #expect(equal.stale == 1)
        var stored = try #require(try store.session(id: session))
        #expect(stored.checkpoint.seq == 20)
        #expect(stored.checkpoint.totals.activeMs == 200_000)
        #expect(stored.checkpoint.days.first?.activeMs == 200_000)

        // …but one that ended the session (or grew its time by a timer, without a message) does.
        var ending = PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 20, activeMs: 200_000)
        ending.ended = true
        #expect(try store.writeBatch([ending]).stored == 1)
        stored = try #require(try store.session(id: session))
        #expect(stored.checkpoint.ended && stored.checkpoint.seq == 20)
        #expect(try store.writeBatch([ending]).stale == 1)  // and replaying that is a no-op again
    }

    @Test("replaying a committed batch changes nothing")
    func replayIsNoOp() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let batch = (1...20).map { index in
            PersistenceFixtures.checkpoint(user: user.id, seq: Int64(index), periods: [PersistenceFixtures.period(1_763_800_000_000 + Int64(index))])
        }
        #expect(try store.writeBatch(batch).stored == 20)
        let before = try store.exportUser(id: user.id)
        let replay = try store.writeBatch(batch)
        #expect(replay.stored == 0 && replay.stale == 20)
        #expect(try store.exportUser(id: user.id) == before)
    }

    @Test("a failing record rolls back the whole batch")
    func batchIsAtomic() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let good = PersistenceFixtures.checkpoint(user: user.id, seq: 1, periods: [PersistenceFixtures.period(5)])
        var bad = PersistenceFixtures.checkpoint(user: user.id, seq: 1)
        bad.totals.activeMs = -1  // violates CHECK (active_ms >= 0)
        #expect(throws: StoreError.self) { try store.writeBatch([good, bad]) }
        #expect(try store.session(id: good.sessionId) == nil)
        #expect(try store.countRows(table: "flow_states", column: "user_id", value: user.id) == 0)
        #expect(try store.countRows(table: "session_days", column: "user_id", value: user.id) == 0)
        // The store is still usable afterwards.
        #expect(try store.writeBatch([good]).stored == 1)
    }

    @Test("a constraint failure is permanent, so the writer will not retry it forever")
    func constraintIsNotTransient() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        var bad = PersistenceFixtures.checkpoint(user: user.id, seq: 1)
        bad.totals.keystrokes = -5
        do {
            try store.writeBatch([bad])
            Issue.record("expected a constraint violation")
        } catch {
            #expect(!error.isTransient)
        }
    }

    @Test("flow periods are inserted once even when sent in several checkpoints")
    func flowPeriodsIdempotent() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let session = UUID().uuidString.lowercased()
        try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 1, periods: [PersistenceFixtures.period(100)])])
        try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 2, periods: [PersistenceFixtures.period(100), PersistenceFixtures.period(2_000_000)])])
        try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 2, periods: [PersistenceFixtures.period(2_000_000)])])
        let stored = try #require(try store.session(id: session))
        #expect(stored.flowPeriods.map(\.startMs) == [100, 2_000_000])
    }

    @Test("a checkpoint for another user's session id changes nothing and is reported as not kept")
    func foreignSessionIgnored() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let ada = PersistenceFixtures.user("ada")
        let eve = PersistenceFixtures.user("eve")
        try store.createUser(ada)
        try store.createUser(eve)
        let session = UUID().uuidString.lowercased()
        try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: ada.id, seq: 1, activeMs: 1_000)])
        let attempt = try store.writeBatch([PersistenceFixtures.checkpoint(session: session, user: eve.id, seq: 99, activeMs: 9_000, periods: [PersistenceFixtures.period(7)])])
        #expect(attempt.stale == 0 && attempt.stored == 0 && attempt.conflicting == [session])
        let stored = try #require(try store.session(id: session))
        #expect(stored.checkpoint.userId == ada.id && stored.checkpoint.seq == 1 && stored.flowPeriods.isEmpty)
    }

    @Test("checkpoints of a user that no longer exists are counted as orphaned, not failed")
    func orphanedCheckpoint() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let summary = try store.writeBatch(
            [PersistenceFixtures.checkpoint(user: "no-such-user", seq: 1)],
            baselines: [BaselineRecord(userId: "no-such-user", updatedAtMs: 1, bytes: [1])])
        #expect(summary.orphaned == 2 && summary.stored == 0)
    }

    @Test("a baseline is replaced only by a newer one")
    func baselineGuard() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 200, bytes: [2, 0, 0])])
        let older = try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 100, bytes: [1])])
        #expect(older.baselinesStored == 0)
        #expect(try store.baseline(userId: user.id)?.bytes == [2, 0, 0])
        try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 300, bytes: [])])
        #expect(try store.baseline(userId: user.id)?.bytes == [])
    }

    @Test("daily aggregates sum the sessions of each user and day, per language")
    func dailyAggregates() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let ada = PersistenceFixtures.user("ada")
        let bob = PersistenceFixtures.user("bob")
        try store.createUser(ada)
        try store.createUser(bob)
        try store.writeBatch([
            PersistenceFixtures.checkpoint(user: ada.id, seq: 1, activeMs: 1_000, day: "2026-11-21", languages: ["swift": 1_000]),
            PersistenceFixtures.checkpoint(user: ada.id, seq: 1, activeMs: 2_000, day: "2026-11-22", languages: ["swift": 500, "c": 1_500]),
            PersistenceFixtures.checkpoint(user: ada.id, seq: 1, activeMs: 4_000, day: "2026-11-22", languages: ["swift": 4_000]),
            PersistenceFixtures.checkpoint(user: bob.id, seq: 1, activeMs: 8_000, day: "2026-11-22", languages: ["go": 8_000]),
        ])
        let all = try store.dailyAggregates(fromDay: "2026-11-22", userId: nil)
        #expect(all.count == 2)
        let adaDay = try #require(all.first { $0.userId == ada.id })
        #expect(adaDay.activeMs == 6_000 && adaDay.flowMs == 3_000 && adaDay.sessions == 2)
        #expect(adaDay.languageMs == ["swift": 4_500, "c": 1_500])
        #expect(try store.dailyAggregates(fromDay: "2026-01-01", userId: ada.id).map(\.day) == ["2026-11-21", "2026-11-22"])
    }

    @Test("a stored session reads back exactly as written, for resume after a restart")
    func sessionRoundTrip() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        var checkpoint = PersistenceFixtures.checkpoint(user: user.id, seq: 42, languages: ["swift": 40_000, "python": 20_000], periods: [PersistenceFixtures.period(9)])
        checkpoint.ended = true
        checkpoint.project = nil
        try store.writeBatch([checkpoint])
        let stored = try #require(try store.session(id: checkpoint.sessionId))
        var expected = checkpoint
        expected.completedFlowPeriods = []
        #expect(stored.checkpoint == expected)
        #expect(stored.flowPeriods == checkpoint.completedFlowPeriods)
        #expect(stored.checkpoint.languageMs == ["swift": 40_000, "python": 20_000])
        let history = try store.sessions(userId: user.id, fromMs: 0, toMs: .max, limit: 10)
        #expect(history.map(\.checkpoint.sessionId) == [checkpoint.sessionId])
    }
}
