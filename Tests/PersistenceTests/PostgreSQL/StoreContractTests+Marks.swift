import Foundation
import Testing

import CoachingCore
@testable import Persistence
import PersistenceTestSupport

extension PostgreSQLServerTests.StoreContractTests {
    @Test("timeline marks are stored once per (session, kind, start), also from a replay, never for another user", arguments: StoreKind.allCases)
    func marksIdempotent(_ kind: StoreKind) throws {
        guard let fixture = try ContractStore.make(kind) else { return }
        let store = fixture.store
        let user = Fixtures.user()
        let stranger = Fixtures.user("eve")
        try store.createUser(user)
        try store.createUser(stranger)
        let session = UUID().uuidString.lowercased()
        let start: Int64 = 1_763_800_000_000
        let interrupted = SessionMarkRecord(kind: .interrupted, startMs: start + 60_000, endMs: start + 120_000)
        let reminder = SessionMarkRecord(kind: .breakReminder, startMs: start + 60_000, endMs: start + 60_000)
        let idle = SessionMarkRecord(kind: .idle, startMs: start + 300_000, endMs: start + 900_000)

        var first = Fixtures.checkpoint(session: session, user: user.id, seq: 10)
        first.completedMarks = [interrupted, reminder]
        var retried = first
        retried.completedMarks = [reminder, interrupted]
        // Folded in one batch (PostgreSQL) or written one after the other (SQLite): once each.
        try store.writeBatch([first, retried])
        // A replay at a lower seq changes no totals but keeps a mark it brings.
        var older = Fixtures.checkpoint(session: session, user: user.id, seq: 5)
        older.completedMarks = [idle, interrupted]
        #expect(try store.writeBatch([older]).stale == 1)
        // Someone else's checkpoint naming the session adds nothing.
        var foreign = Fixtures.checkpoint(session: session, user: stranger.id, seq: 99)
        foreign.completedMarks = [SessionMarkRecord(kind: .idle, startMs: start, endMs: start + 1)]
        try store.writeBatch([foreign])

        let stored = try #require(try store.session(id: session))
        #expect(stored.marks == [reminder, interrupted, idle])  // by start, then kind
        #expect(stored.marks.count == 3)
        let listed = try store.sessions(userId: user.id, fromMs: 0, toMs: .max, limit: 10)
        #expect(listed.first?.marks.count == 3)
        #expect(try store.session(id: session)?.checkpoint.seq == 10)
    }
}
