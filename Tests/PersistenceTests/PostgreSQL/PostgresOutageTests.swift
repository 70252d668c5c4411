import Foundation
import Testing

import CoachingCore
@testable import Persistence

extension PostgreSQLServerTests {
    /// The server is killed (`pg_ctl stop -m immediate`: no shutdown checkpoint, clients
    /// see their sockets close) and restarted while the writer streams checkpoints.
    @Suite struct PostgresOutageTests {
        typealias Fixtures = PersistenceFixtures

        /// nil (with the reason printed) when the cluster cannot be restarted from here.
        private func outageDatabase(_ test: String = #function) throws -> PostgresTestDatabase? {
            guard PostgresTestDatabase.baseURL != nil else { return try PostgresTestDatabase.make(test) }
            guard PostgresTestDatabase.controlScript != nil else {
                print("skipping PostgreSQL test \(test): \(PostgresTestDatabase.clusterVariable) is not set (scripts/test.sh sets it for its throwaway cluster)")
                return nil
            }
            return try PostgresTestDatabase.make(test)
        }

        private func waitUntil(timeoutMs: Int = 20_000, _ condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
            while Date() < deadline {
                if condition() { return true }
                Thread.sleep(forTimeInterval: 0.02)
            }
            return condition()
        }

        @Test("a killed server gives transient errors, and the next call after the restart reconnects")
        func storeReconnects() throws {
            guard let database = try outageDatabase() else { return }
            let store = try database.store(timeoutMs: 5_000)
            let user = Fixtures.user()
            try store.createUser(user)
            try PostgresTestDatabase.control("kill")
            var restarted = false
            defer { if !restarted { try? PostgresTestDatabase.control("restart") } }
            do {
                _ = try store.writeBatch([Fixtures.checkpoint(user: user.id, seq: 1)])
                Issue.record("a write to a killed server succeeded")
            } catch {
                #expect(error.isTransient, "\(error)")
            }
            do {
                _ = try store.user(id: user.id)
                Issue.record("a read from a killed server succeeded")
            } catch {
                #expect(error.isTransient, "\(error)")
            }
            try PostgresTestDatabase.control("restart")
            restarted = true
            #expect(try store.user(id: user.id) == user)
            #expect(try store.writeBatch([Fixtures.checkpoint(user: user.id, seq: 1)]).stored == 1)
        }

        @Test(
            "a kill mid-stream: the writer retries (or spills to its journal) through the outage; every acked seq is stored, once, totals exact",
            arguments: [false, true])
        func writerSurvivesKill(spill: Bool) throws {
            guard let database = try outageDatabase() else { return }
            let store = try database.store(timeoutMs: 5_000)
            let user = Fixtures.user()
            try store.createUser(user)
            let collector = AckCollector()
            let journal = FileManager.default.temporaryDirectory.appendingPathComponent("flowcoach-spill-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: journal) }
            let writer = PersistenceWriter(
                store: store,
                configuration: WriterConfiguration(
                    maxBatchRecords: 64, retryInitialDelayMs: 10, retryMaxDelayMs: 200, spillJournalPath: spill ? journal : nil,
                    spillAfterQueuedRecords: 0),
                onDurable: collector.append)
            writer.start()
            let sessions = (0..<25).map { _ in UUID().uuidString.lowercased() }
            let rounds = 60
            var restarted = false
            defer { if !restarted { try? PostgresTestDatabase.control("restart") } }
            for round in 1...rounds {
                for session in sessions {
                    // Flow period every 5th round; each checkpoint carries the periods since the
                    // last one it knows was accepted (here: always just the new one).
                    let periods = round % 5 == 0 ? [Fixtures.period(Int64(round) * 1_000_000)] : []
                    let checkpoint = Fixtures.checkpoint(
                        session: session, user: user.id, seq: Int64(round), activeMs: Int64(round) * 1_000, periods: periods)
                    #expect(writer.enqueue(.checkpoint(checkpoint)))
                }
                if round == 20 {
                    // Let some batches commit first, then kill in the middle of the stream.
                    #expect(waitUntil { !collector.all.isEmpty })
                    try PostgresTestDatabase.control("kill")
                }
                if round == 40 {
                    #expect(waitUntil { writer.metrics.snapshot().failures > 0 }, "the writer never saw the outage")
                    if spill {
                        // Forced spill: acks keep coming while PostgreSQL is down.
                        let before = collector.all.count
                        #expect(waitUntil { collector.all.count > before && writer.metrics.snapshot().spilledRecords > 0 })
                    }
                    try PostgresTestDatabase.control("restart")
                    restarted = true
                }
                Thread.sleep(forTimeInterval: 0.005)
            }
            #expect(writer.shutdown(timeoutMs: 30_000))
            let metrics = writer.metrics.snapshot()
            #expect(metrics.failures > 0)
            #expect(metrics.rejectedRecords == 0 && metrics.abandonedRecords == 0)
            if spill {
                #expect(metrics.spilledRecords > 0 && metrics.replayedRecords > 0 && metrics.journalBytes == 0)
            }

            let check = try PostgresStore(url: database.url)
            var highestAck: [String: Int64] = [:]
            for ack in collector.all { highestAck[ack.sessionId] = max(highestAck[ack.sessionId] ?? 0, ack.seq) }
            #expect(highestAck.count == sessions.count && highestAck.values.allSatisfy { $0 == Int64(rounds) })
            for session in sessions {
                let stored = try #require(try check.session(id: session))
                #expect(stored.checkpoint.seq == Int64(rounds))
                #expect(stored.checkpoint.totals.activeMs == Int64(rounds) * 1_000)
                #expect(stored.checkpoint.days.count == 1)
                #expect(stored.flowPeriods.map(\.startMs) == stride(from: 5, through: rounds, by: 5).map { Int64($0) * 1_000_000 })
            }
            let daily = try check.dailyAggregates(fromDay: "", userId: user.id)
            #expect(daily.count == 1)
            #expect(daily.first?.activeMs == Int64(sessions.count * rounds * 1_000))
            #expect(daily.first?.sessions == Int64(sessions.count))
            #expect(try check.countRows(table: "flow_states", column: "user_id", value: user.id) == sessions.count * rounds / 5)
        }
    }
}
