import FlowEngine
import Foundation
import Testing

import CoachingCore
@testable import Persistence
import PersistenceTestSupport

extension PostgreSQLServerTests {
    /// The `Store` contract (Store.swift, docs/STORAGE.md) run against both implementations:
    /// the same inputs must give the same answers from SQLite and from PostgreSQL.
    @Suite struct StoreContractTests {
        typealias Fixtures = PersistenceFixtures

        @Test("a newer seq replaces the totals, an older one never does, an equal one only when it says more", arguments: StoreKind.allCases)
        func upsertGuardedBySeq(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            let session = UUID().uuidString.lowercased()
            #expect(try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 10, activeMs: 100_000)]).stored == 1)
            #expect(try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 20, activeMs: 200_000)]).stored == 1)
            let older = try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 15, activeMs: 150_000)])
            #expect(older.stored == 0 && older.stale == 1)
            let replay = try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 20, activeMs: 200_000)])
            #expect(replay.stale == 1 && replay.stored == 0)
            let less = try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 20, activeMs: 190_000)])
            #expect(less.stale == 1 && less.stored == 0)
            var stored = try #require(try store.session(id: session))
            #expect(stored.checkpoint.seq == 20)
            #expect(stored.checkpoint.totals.activeMs == 200_000)
            #expect(stored.checkpoint.days.first?.activeMs == 200_000)
            // Same seq, more time (an idle timer closed a flow period), then the end.
            #expect(try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 20, activeMs: 210_000)]).stored == 1)
            var ended = Fixtures.checkpoint(session: session, user: user.id, seq: 20, activeMs: 210_000)
            ended.ended = true
            #expect(try store.writeBatch([ended]).stored == 1)
            #expect(try store.writeBatch([ended]).stale == 1)
            stored = try #require(try store.session(id: session))
            #expect(stored.checkpoint.totals.activeMs == 210_000 && stored.checkpoint.ended)
            #expect(stored.checkpoint.days.first?.activeMs == 210_000)
        }

        /// A store with the two users of `SeqGuardCase`.
        private func seqGuardStore(_ kind: StoreKind, _ test: String = #function) throws -> ContractStore? {
            guard let fixture = try ContractStore.make(kind, test) else { return nil }
            try fixture.store.createUser(Fixtures.user("owner", id: SeqGuardCase.owner))
            try fixture.store.createUser(Fixtures.user("stranger", id: SeqGuardCase.stranger))
            return fixture
        }

        /// The stored session of `guardCase` is its winner, days included.
        private func expectWinnerStored(_ guardCase: SeqGuardCase, in store: any Store) throws {
            let stored = try #require(try store.session(id: guardCase.stored.sessionId), "\(guardCase)")
            let winner = guardCase.winner
            #expect(stored.checkpoint.userId == SeqGuardCase.owner, "\(guardCase)")
            #expect(stored.checkpoint.seq == winner.seq && stored.checkpoint.ended == winner.ended, "\(guardCase)")
            #expect(stored.checkpoint.totals == winner.totals, "\(guardCase)")
            #expect(stored.checkpoint.days.map(\.activeMs) == winner.days.map(\.activeMs), "\(guardCase)")
        }

        @Test("the store's SQL seq guard decides every case of the shared table, batch after batch", arguments: StoreKind.allCases)
        func seqGuardAcrossBatches(_ kind: StoreKind) throws {
            guard let fixture = try seqGuardStore(kind) else { return }
            for guardCase in SeqGuardCase.all {
                #expect(try fixture.store.writeBatch([guardCase.stored]).stored == 1)
                let summary = try fixture.store.writeBatch([guardCase.later])
                #expect(summary.stored == (guardCase.supersedes ? 1 : 0) && summary.orphaned == 0, "\(guardCase)")
                try expectWinnerStored(guardCase, in: fixture.store)
            }
        }

        @Test("the seq guard decides every case of the shared table within one batch too", arguments: StoreKind.allCases)
        func seqGuardWithinOneBatch(_ kind: StoreKind) throws {
            guard let fixture = try seqGuardStore(kind) else { return }
            let summary = try fixture.store.writeBatch(SeqGuardCase.all.flatMap { [$0.stored, $0.later] })
            #expect(summary.orphaned == 0)
            for guardCase in SeqGuardCase.all { try expectWinnerStored(guardCase, in: fixture.store) }
        }

        @Test("a spill-journal replay applies the seq guard to every case of the shared table", arguments: StoreKind.allCases)
        func seqGuardThroughSpillReplay(_ kind: StoreKind) throws {
            guard let fixture = try seqGuardStore(kind) else { return }
            let scratch = TemporaryDatabase()
            let path = scratch.directory.appendingPathComponent("spill/journal").path
            do {
                let journal = try SpillJournal(path: path)
                try journal.append(SpillJournal.Entry(checkpoints: SeqGuardCase.all.map(\.stored), baselines: []))
                try journal.append(SpillJournal.Entry(checkpoints: SeqGuardCase.all.map(\.later), baselines: []))
            }
            // A journal left by a previous run is replayed when the writer starts.
            let writer = PersistenceWriter(
                store: fixture.store, configuration: WriterConfiguration(spillJournalPath: path), onDurable: { _ in })
            writer.start()
            #expect(writer.shutdown())
            #expect(writer.metrics.snapshot().replayedRecords == 2 * SeqGuardCase.all.count)
            #expect(try SpillJournal(path: path).isEmpty)
            for guardCase in SeqGuardCase.all { try expectWinnerStored(guardCase, in: fixture.store) }
        }

        @Test("the goal streak counts consecutive stored days that reached the goal, summed over sessions, up to the given day",
              arguments: StoreKind.allCases)
        func goalStreakFromStoredDays(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let ada = Fixtures.user("ada")
            let bob = Fixtures.user("bob")
            try store.createUser(ada)
            try store.createUser(bob)
            let hour: Int64 = 3_600_000
            let days: [(String, Int64)] = [
                ("2026-11-17", 2 * hour), ("2026-11-19", 2 * hour), ("2026-11-20", hour / 2), ("2026-11-20", hour * 2 / 3),
                ("2026-11-21", 2 * hour), ("2026-11-22", hour / 2), ("2026-11-23", hour),
            ]
            try store.writeBatch(days.map { Fixtures.checkpoint(user: ada.id, seq: 1, activeMs: $0.1, day: $0.0) }
                + [Fixtures.checkpoint(user: bob.id, seq: 1, activeMs: 2 * hour, day: "2026-11-22")])
            #expect(try store.activeDays(userId: ada.id, throughDay: "2026-11-23", minimumActiveMs: hour, limit: 10)
                == ["2026-11-23", "2026-11-21", "2026-11-20", "2026-11-19", "2026-11-17"])
            #expect(try store.activeDays(userId: ada.id, throughDay: "2026-11-22", minimumActiveMs: hour, limit: 2)
                == ["2026-11-21", "2026-11-20"])
            let expected: [(String, Int)] = [
                ("2026-11-20", 2), ("2026-11-21", 3), ("2026-11-22", 0), ("2026-11-23", 1), ("2026-11-24", 0), ("2026-11-17", 1),
            ]
            for (day, streak) in expected {
                #expect(try store.goalStreak(userId: ada.id, endingAt: day, minimumActiveMs: hour) == streak, "\(day)")
            }
            #expect(try store.goalStreak(userId: bob.id, endingAt: "2026-11-22", minimumActiveMs: hour) == 1)
            #expect(try store.goalStreak(userId: UUID().uuidString.lowercased(), endingAt: "2026-11-22", minimumActiveMs: hour) == 0)
            #expect(throws: StoreError.self) {
                try store.activeDays(userId: ada.id, throughDay: "2026-11-31", minimumActiveMs: hour, limit: 1)
            }
            #expect(throws: StoreError.self) { try store.goalStreak(userId: ada.id, endingAt: "yesterday", minimumActiveMs: hour) }
        }

        @Test("a streak longer than one page of stored days is counted whole, and survives reopening the store",
              arguments: StoreKind.allCases)
        func longGoalStreak(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let user = Fixtures.user()
            try fixture.store.createUser(user)
            let first = try #require(LocalTime.day(parsing: "2026-01-01"))
            try fixture.store.writeBatch((0..<150).map { offset in
                Fixtures.checkpoint(user: user.id, seq: 3, activeMs: 3_600_000, day: LocalTime.dayText(ofDay: first + Int64(offset)))
            })
            let last = LocalTime.dayText(ofDay: first + 149)
            #expect(try fixture.reopen().goalStreak(userId: user.id, endingAt: last, minimumActiveMs: 3_600_000) == 150)
            #expect(try fixture.store.goalStreak(userId: user.id, endingAt: last, minimumActiveMs: 3_600_001) == 0)
        }

        @Test("replaying a committed batch changes nothing", arguments: StoreKind.allCases)
        func replayIsNoOp(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            let batch = (1...20).map { index in
                Fixtures.checkpoint(user: user.id, seq: Int64(index), periods: [Fixtures.period(1_763_800_000_000 + Int64(index))])
            }
            #expect(try store.writeBatch(batch, baselines: [BaselineRecord(userId: user.id, updatedAtMs: 9, bytes: [1, 2])]).stored == 20)
            let before = try store.exportUser(id: user.id)
            let replay = try store.writeBatch(batch, baselines: [BaselineRecord(userId: user.id, updatedAtMs: 9, bytes: [3])])
            #expect(replay.stored == 0 && replay.stale == 20 && replay.baselinesStored == 0)
            #expect(try store.exportUser(id: user.id) == before)
        }

        @Test("a failing record rolls back the whole batch, and the store stays usable", arguments: StoreKind.allCases)
        func batchIsAtomic(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            let good = Fixtures.checkpoint(user: user.id, seq: 1, periods: [Fixtures.period(5)])
            var bad = Fixtures.checkpoint(user: user.id, seq: 1)
            bad.totals.activeMs = -1  // violates CHECK (active_ms >= 0)
            do {
                try store.writeBatch([good, bad], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 1, bytes: [1])])
                Issue.record("expected a constraint violation")
            } catch {
                #expect(!error.isTransient)
            }
            #expect(try store.session(id: good.sessionId) == nil)
            #expect(try store.baseline(userId: user.id) == nil)
            for table in ["flow_states", "session_days", "coding_sessions", "user_baselines"] {
                #expect(try fixture.countRows(table: table, column: "user_id", value: user.id) == 0, "\(table) kept a row")
            }
            #expect(try store.writeBatch([good]).stored == 1)
        }

        @Test("flow periods are inserted once even when sent in several checkpoints", arguments: StoreKind.allCases)
        func flowPeriodsIdempotent(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            let session = UUID().uuidString.lowercased()
            try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 1, periods: [Fixtures.period(100)])])
            try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 2, periods: [Fixtures.period(100), Fixtures.period(2_000_000)])])
            // A stale checkpoint of the owner still delivers a period it carries.
            try store.writeBatch([Fixtures.checkpoint(session: session, user: user.id, seq: 2, periods: [Fixtures.period(2_000_000), Fixtures.period(3_000_000)])])
            let stored = try #require(try store.session(id: session))
            #expect(stored.flowPeriods.map(\.startMs) == [100, 2_000_000, 3_000_000])
            #expect(stored.flowPeriods.first == Fixtures.period(100))
        }

        @Test("a checkpoint for another user's session id changes nothing and is reported as not kept", arguments: StoreKind.allCases)
        func foreignSessionIgnored(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let ada = Fixtures.user("ada")
            let eve = Fixtures.user("eve")
            try store.createUser(ada)
            try store.createUser(eve)
            let session = UUID().uuidString.lowercased()
            try store.writeBatch([Fixtures.checkpoint(session: session, user: ada.id, seq: 1, activeMs: 1_000)])
            let attempt = try store.writeBatch([Fixtures.checkpoint(session: session, user: eve.id, seq: 99, activeMs: 9_000, periods: [Fixtures.period(7)])])
            #expect(attempt.stale == 0 && attempt.stored == 0 && attempt.conflicting == [session])
            let stored = try #require(try store.session(id: session))
            #expect(stored.checkpoint.userId == ada.id && stored.checkpoint.seq == 1 && stored.flowPeriods.isEmpty)
            #expect(try fixture.countRows(table: "session_days", column: "user_id", value: eve.id) == 0)
        }

        @Test("the first claim of a session id wins; a later claim reads the stored session", arguments: StoreKind.allCases)
        func claimSession(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let ada = Fixtures.user("ada")
            let eve = Fixtures.user("eve")
            try store.createUser(ada)
            try store.createUser(eve)
            let session = UUID().uuidString.lowercased()
            #expect(try store.claimSession(id: session, userId: ada.id, startedAtMs: 1_000, project: "p") == .claimed)
            guard case .existing(let taken) = try store.claimSession(id: session, userId: eve.id, startedAtMs: 2_000, project: nil) else {
                Issue.record("a second claim must read the stored session")
                return
            }
            #expect(taken.checkpoint.userId == ada.id && taken.checkpoint.seq == 0 && taken.checkpoint.startedAtMs == 1_000)
            guard case .existing(let own) = try store.claimSession(id: session, userId: ada.id, startedAtMs: 3_000, project: nil) else {
                Issue.record("the owner's claim again must read the stored session")
                return
            }
            #expect(own.checkpoint.userId == ada.id)
            // The claimed row is the session: the owner's checkpoints supersede it, others' are refused.
            let first = try store.writeBatch([Fixtures.checkpoint(session: session, user: ada.id, seq: 1, activeMs: 1_000)])
            #expect(first.stored == 1)
            let foreign = try store.writeBatch([Fixtures.checkpoint(session: session, user: eve.id, seq: 2, activeMs: 2_000)])
            #expect(foreign.conflicting == [session] && foreign.stored == 0)
            let unknownUser = Fixtures.user("nobody")
            #expect(try store.claimSession(id: UUID().uuidString.lowercased(), userId: unknownUser.id, startedAtMs: 0, project: nil) == .noSuchUser)
        }

        @Test("checkpoints and baselines of a user that does not exist are counted as orphaned", arguments: StoreKind.allCases)
        func orphanedRecords(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let missing = UUID().uuidString.lowercased()
            let summary = try store.writeBatch(
                [Fixtures.checkpoint(user: missing, seq: 1), Fixtures.checkpoint(user: "no-such-user", seq: 1)],
                baselines: [BaselineRecord(userId: missing, updatedAtMs: 1, bytes: [1])])
            #expect(summary.orphaned == 3 && summary.stored == 0)
        }

        @Test("a baseline is replaced only by a newer one", arguments: StoreKind.allCases)
        func baselineGuard(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 200, bytes: [2, 0, 0])])
            #expect(try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 100, bytes: [1])]).baselinesStored == 0)
            #expect(try store.baseline(userId: user.id)?.bytes == [2, 0, 0])
            #expect(try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 300, bytes: [])]).baselinesStored == 1)
            #expect(try store.baseline(userId: user.id) == BaselineRecord(userId: user.id, updatedAtMs: 300, bytes: []))
            let all = (0...255).map { UInt8($0) }
            try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 400, bytes: all)])
            #expect(try store.baseline(userId: user.id)?.bytes == all)
        }

        @Test("the break scheduler's state is stored with the baseline, guarded alike, and read back", arguments: StoreKind.allCases)
        func breakStateWithBaseline(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            var scheduler = BreakScheduler()
            _ = scheduler.record(BreakActivity(atMs: 1_763_000_060_000, windowMs: 60_000, active: true))
            let saved = BaselineRecord(userId: user.id, updatedAtMs: 200, bytes: [7], breaks: scheduler.encode())
            #expect(try store.writeBatch([], baselines: [saved]).baselinesStored == 1)
            #expect(try store.baseline(userId: user.id) == saved)
            let restored = try #require(try store.baseline(userId: user.id))
            #expect(BreakScheduler(settings: BreakSettings(), bytes: restored.breaks) == scheduler)
            // An older record changes neither part.
            #expect(try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 100, bytes: [1], breaks: [1])])
                .baselinesStored == 0)
            #expect(try store.baseline(userId: user.id)?.breaks == saved.breaks)
            // A record without break state (an earlier build's spill journal) stores none.
            try store.writeBatch([], baselines: [BaselineRecord(userId: user.id, updatedAtMs: 300, bytes: [2])])
            #expect(try store.baseline(userId: user.id)?.breaks == [])
        }

        @Test("daily aggregates sum the sessions of each user and day, per language", arguments: StoreKind.allCases)
        func dailyAggregates(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let ada = Fixtures.user("ada")
            let bob = Fixtures.user("bob")
            try store.createUser(ada)
            try store.createUser(bob)
            try store.writeBatch([
                Fixtures.checkpoint(user: ada.id, seq: 1, activeMs: 1_000, day: "2026-11-21", languages: ["swift": 1_000]),
                Fixtures.checkpoint(user: ada.id, seq: 1, activeMs: 2_000, day: "2026-11-22", languages: ["swift": 500, "c": 1_500]),
                Fixtures.checkpoint(user: ada.id, seq: 1, activeMs: 4_000, day: "2026-11-22", languages: ["swift": 4_000]),
                Fixtures.checkpoint(user: bob.id, seq: 1, activeMs: 8_000, day: "2026-11-22", languages: ["go": 8_000]),
            ])
            let all = try store.dailyAggregates(fromDay: "2026-11-22", userId: nil)
            #expect(all.count == 2)
            let adaDay = try #require(all.first { $0.userId == ada.id })
            #expect(adaDay.activeMs == 6_000 && adaDay.flowMs == 3_000 && adaDay.sessions == 2)
            #expect(adaDay.languageMs == ["swift": 4_500, "c": 1_500])
            #expect(try store.dailyAggregates(fromDay: "2026-01-01", userId: ada.id).map(\.day) == ["2026-11-21", "2026-11-22"])
            #expect(try store.dailyAggregates(fromDay: "", userId: bob.id).map(\.activeMs) == [8_000])
        }

        @Test("a stored session reads back exactly as written, for resume after a restart", arguments: StoreKind.allCases)
        func sessionRoundTrip(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            var checkpoint = Fixtures.checkpoint(user: user.id, seq: 42, languages: ["swift": 40_000, "python": 20_000], periods: [Fixtures.period(9)])
            checkpoint.ended = true
            checkpoint.project = nil
            checkpoint.totals.focusScore = 0.1 + 0.2  // not exactly representable in decimal
            checkpoint.days.append(SessionDayTotals(day: "2026-11-23", activeMs: 5, languageMs: [:]))
            try store.writeBatch([checkpoint])
            let stored = try #require(try store.session(id: checkpoint.sessionId))
            var expected = checkpoint
            expected.completedFlowPeriods = []
            #expect(stored.checkpoint == expected)
            #expect(stored.flowPeriods == checkpoint.completedFlowPeriods)
            #expect(try store.sessions(userId: user.id, fromMs: 0, toMs: .max, limit: 10).map(\.checkpoint.sessionId) == [checkpoint.sessionId])
        }

        @Test("history pages newest first within [from, to)", arguments: StoreKind.allCases)
        func historyByDateRange(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            var checkpoints: [SessionCheckpoint] = []
            for index in 0..<5 {
                var checkpoint = Fixtures.checkpoint(user: user.id, seq: 1)
                checkpoint.startedAtMs = 1_000_000 * Int64(index)
                checkpoints.append(checkpoint)
            }
            try store.writeBatch(checkpoints)
            let page = try store.sessions(userId: user.id, fromMs: 1_000_000, toMs: 4_000_000, limit: 2)
            #expect(page.map(\.checkpoint.startedAtMs) == [3_000_000, 2_000_000])
            #expect(try store.sessions(userId: user.id, fromMs: .min, toMs: .max, limit: 100).count == 5)
            #expect(try store.sessions(userId: UUID().uuidString.lowercased(), fromMs: .min, toMs: .max, limit: 100).isEmpty)
        }

        @Test("users are unique by name and list by name", arguments: StoreKind.allCases)
        func usersUniqueByName(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            try store.createUser(Fixtures.user("zoe"))
            try store.createUser(Fixtures.user("ada"))
            try store.createUser(Fixtures.user("Bob"))
            #expect(throws: StoreError.duplicate(what: "user 'ada'")) { try store.createUser(Fixtures.user("ada")) }
            #expect(try store.users().map(\.name) == ["Bob", "ada", "zoe"])
            #expect(try store.user(named: "ada")?.name == "ada")
            #expect(try store.user(id: UUID().uuidString.lowercased()) == nil)
        }

        @Test("a token is created, found by id and hash, and revoked once", arguments: StoreKind.allCases)
        func tokenLifecycle(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            let token = AccessToken.generate(scope: .ingest)
            let record = TokenRecord(id: token.id, userId: user.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: 5)
            try store.createToken(record)
            #expect(throws: StoreError.duplicate(what: "token \(token.id)")) { try store.createToken(record) }
            #expect(throws: StoreError.notFound(what: "user nobody")) {
                try store.createToken(TokenRecord(id: "abcdefgh", userId: "nobody", scope: .read, secretHash: token.secretHash, createdAtMs: 5))
            }
            #expect(try store.token(id: token.id) == record)
            #expect(try store.token(secretHash: token.secretHash) == record)
            #expect(try TokenAuthenticator.verify(token.text, in: store) == .valid(record, user))
            #expect(try store.revokeToken(id: token.id, atMs: 9))
            #expect(try !store.revokeToken(id: token.id, atMs: 10))
            #expect(try TokenAuthenticator.verify(token.text, in: store) == .revoked)
            #expect(try store.tokens(userId: user.id).first?.revokedAtMs == 9)
            #expect(try store.tokens(userId: nil).count == 1)
        }

        @Test("team membership keeps consent and can be updated and removed", arguments: StoreKind.allCases)
        func teamMembership(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            let team = Team(id: UUID().uuidString.lowercased(), name: "core", createdAtMs: 1)
            try store.createTeam(team)
            #expect(throws: StoreError.duplicate(what: "team 'core'")) {
                try store.createTeam(Team(id: UUID().uuidString.lowercased(), name: "core", createdAtMs: 2))
            }
            #expect(try store.team(named: "core") == team && store.team(id: team.id) == team && store.teams() == [team])
            try store.setMembership(TeamMembership(teamId: team.id, userId: user.id, dataSharingConsent: false, joinedAtMs: 3))
            try store.setMembership(TeamMembership(teamId: team.id, userId: user.id, dataSharingConsent: true, joinedAtMs: 4))
            #expect(try store.memberships(teamId: team.id) == [TeamMembership(teamId: team.id, userId: user.id, dataSharingConsent: true, joinedAtMs: 3)])
            #expect(try store.memberships(userId: user.id).count == 1)
            #expect(throws: StoreError.notFound(what: "user nobody")) {
                try store.setMembership(TeamMembership(teamId: team.id, userId: "nobody", dataSharingConsent: true, joinedAtMs: 5))
            }
            #expect(try store.removeMembership(teamId: team.id, userId: user.id))
            #expect(try !store.removeMembership(teamId: team.id, userId: user.id))
        }

        @Test("privacy settings default until set, then read back", arguments: StoreKind.allCases)
        func privacySettings(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let user = Fixtures.user()
            try store.createUser(user)
            #expect(try store.privacySettings(userId: user.id) == .defaults)
            let hidden = PrivacySettings(leaderboardVisible: false, shareProjectNames: true)
            try store.setPrivacySettings(hidden, userId: user.id, atMs: 1)
            #expect(try store.privacySettings(userId: user.id) == hidden)
            #expect(try store.allPrivacySettings() == [user.id: hidden])
        }

        /// A user with a row in every user table, plus a bystander who must be untouched.
        private func populated(_ store: any Store) throws -> (user: User, other: User, session: SessionCheckpoint) {
            let user = Fixtures.user("ada")
            let other = Fixtures.user("bob")
            try store.createUser(user)
            try store.createUser(other)
            let team = Team(id: UUID().uuidString.lowercased(), name: "core", createdAtMs: 1)
            try store.createTeam(team)
            for member in [user, other] {
                try store.setMembership(TeamMembership(teamId: team.id, userId: member.id, dataSharingConsent: true, joinedAtMs: 2))
                let token = AccessToken.generate(scope: .ingest)
                try store.createToken(TokenRecord(id: token.id, userId: member.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: 3))
                try store.setPrivacySettings(PrivacySettings(leaderboardVisible: false), userId: member.id, atMs: 4)
                try store.setHeartbeatTimeoutMs(600_000, userId: member.id)
                _ = try store.ingestHeartbeats(Self.ingest(member.id, [Self.beat(0), Self.beat(60)]))
                try store.setGoal(UserGoal(period: .day, metric: .flow, targetMs: 3_600_000), userId: member.id)
                _ = try store.claimGoalReached(userId: member.id, period: "2025-11-22", atMs: 6)
            }
            var session = Fixtures.checkpoint(user: user.id, seq: 7, periods: [Fixtures.period(11)])
            session.completedMarks = [SessionMarkRecord(kind: .interrupted, startMs: 20, endMs: 30)]
            var bystander = Fixtures.checkpoint(user: other.id, seq: 3, periods: [Fixtures.period(12)])
            bystander.completedMarks = [SessionMarkRecord(kind: .breakReminder, startMs: 40, endMs: 40)]
            try store.writeBatch(
                [session, bystander],
                baselines: [BaselineRecord(userId: user.id, updatedAtMs: 5, bytes: [9, 9]), BaselineRecord(userId: other.id, updatedAtMs: 5, bytes: [1])])
            return (user, other, session)
        }

        @Test("purge removes every row of the user in every table and nothing of anyone else", arguments: StoreKind.allCases)
        func purgeRemovesEverything(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let (user, other, _) = try populated(store)
            for (table, column) in fixture.userTables {
                #expect(try fixture.countRows(table: table, column: column, value: user.id) > 0, "no \(table) row before purge")
            }
            let summary = try store.purgeUser(id: user.id, deleteAccount: true)
            #expect(summary.rowsDeleted.count == fixture.userTables.count)
            for (table, column) in fixture.userTables {
                #expect(try fixture.countRows(table: table, column: column, value: user.id) == 0, "\(table) still has rows")
                #expect(try fixture.countRows(table: table, column: column, value: other.id) > 0, "\(table) lost the bystander")
            }
            // A checkpoint arriving after the purge is orphaned, not resurrected.
            #expect(try store.writeBatch([Fixtures.checkpoint(user: user.id, seq: 99)]).orphaned == 1)
            #expect(try store.exportUser(id: user.id) == nil)
        }

        @Test("purge without deleting the account keeps the user and tokens, nothing else", arguments: StoreKind.allCases)
        func purgeKeepingAccount(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let (user, _, session) = try populated(store)
            try store.purgeUser(id: user.id, deleteAccount: false)
            #expect(try store.user(id: user.id) == user)
            #expect(try store.tokens(userId: user.id).count == 1)
            #expect(try store.session(id: session.sessionId) == nil)
            #expect(try store.baseline(userId: user.id) == nil)
            #expect(try store.privacySettings(userId: user.id) == .defaults)
            #expect(try store.memberships(userId: user.id).isEmpty)
        }

        @Test("export holds everything about the user and round-trips through JSON", arguments: StoreKind.allCases)
        func exportRoundTrips(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let store = fixture.store
            let (user, other, session) = try populated(store)
            let export = try #require(try store.exportUser(id: user.id))
            #expect(export.user == user)
            #expect(export.privacy == PrivacySettings(leaderboardVisible: false))
            #expect(export.tokens.count == 1)
            #expect(export.teams.map(\.userId) == [user.id])
            #expect(export.sessions.map(\.checkpoint.sessionId) == [session.sessionId])
            #expect(export.sessions.first?.flowPeriods == session.completedFlowPeriods)
            #expect(export.sessions.first?.marks == session.completedMarks)
            #expect(export.daily.map(\.day) == ["2025-11-22", "2026-11-22"])  // a heartbeat day, a session day
            #expect(export.baseline?.bytes == [9, 9])
            let json = try JSONEncoder().encode(export)
            #expect(try JSONDecoder().decode(UserExport.self, from: json) == export)
            let text = String(decoding: json, as: UTF8.self)
            #expect(!text.contains(other.id))
            #expect(!text.contains("secretHash"))
            #expect(try store.exportUser(id: "nobody") == nil)
        }

        @Test("a second connection sees what the first committed", arguments: StoreKind.allCases)
        func secondConnectionSeesCommits(_ kind: StoreKind) throws {
            guard let fixture = try ContractStore.make(kind) else { return }
            let user = Fixtures.user()
            try fixture.store.createUser(user)
            let checkpoint = Fixtures.checkpoint(user: user.id, seq: 3)
            try fixture.store.writeBatch([checkpoint])
            let second = try fixture.reopen()
            #expect(try second.migrate().applied.isEmpty)
            #expect(try second.session(id: checkpoint.sessionId)?.checkpoint.seq == 3)
            #expect(try second.user(named: user.name) == user)
        }
    }
}
