import Foundation
import Synchronization
import Testing

import CoachingCore
@testable import Persistence

extension PostgreSQLServerTests {
    /// `PostgresStore` as a `PipelinedStore`, and the writer driving it: batch N+1 is sent
    /// while N commits, and nothing is acked before its own commit.
    @Suite struct PostgresPipelineTests {
        typealias Fixtures = PersistenceFixtures

        @Test("batches sent back to back answer in order; a failing one fails alone and the store stays usable")
        func batchesAnswerInOrder() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try database.store()
            let user = Fixtures.user()
            try store.createUser(user)
            let first = Fixtures.checkpoint(user: user.id, seq: 1)
            var bad = Fixtures.checkpoint(user: user.id, seq: 1)
            bad.totals.activeMs = -1  // violates CHECK (active_ms >= 0)
            let third = Fixtures.checkpoint(user: user.id, seq: 3)
            try store.sendBatch([first], baselines: [])
            try store.sendBatch([bad], baselines: [])
            try store.sendBatch([], baselines: [BaselineRecord(userId: "not-a-uuid", updatedAtMs: 1, bytes: [1])])
            try store.sendBatch([third], baselines: [])
            #expect(try store.receiveBatch().stored == 1)
            #expect(throws: StoreError.self) { try store.receiveBatch() }
            #expect(try store.receiveBatch().orphaned == 1)  // empty after normalization: nothing sent
            #expect(try store.receiveBatch().stored == 1)
            #expect(try store.session(id: first.sessionId)?.checkpoint.seq == 1)
            #expect(try store.session(id: bad.sessionId) == nil)
            #expect(try store.session(id: third.sessionId)?.checkpoint.seq == 3)
            store.abandonPipeline()
            #expect(try store.writeBatch([Fixtures.checkpoint(session: first.sessionId, user: user.id, seq: 2)]).stored == 1)
        }

        @Test("the pipelined writer acks each batch only after it committed, and stores every session's last seq")
        func acksFollowCommits() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try database.store()
            let user = Fixtures.user()
            try store.createUser(user)
            let checker = try database.store()
            let checkerLock = Mutex<Void>(())
            let violations = Atomic<Int>(0)
            let collector = AckCollector()
            let writer = PersistenceWriter(
                store: store, configuration: WriterConfiguration(maxBatchRecords: 40, maxBatchDelayMs: 0)
            ) { acks in
                // A second connection already sees every acked seq.
                checkerLock.withLock { _ in
                    for ack in acks where (try? checker.session(id: ack.sessionId))??.checkpoint.seq ?? -1 < ack.seq {
                        violations.add(1, ordering: .relaxed)
                    }
                }
                collector.append(acks)
            }
            let sessions = (0..<60).map { _ in UUID().uuidString.lowercased() }
            for seq in 1...10 {
                for session in sessions {
                    #expect(writer.enqueue(.checkpoint(Fixtures.checkpoint(session: session, user: user.id, seq: Int64(seq)))))
                }
            }
            writer.start()
            #expect(writer.shutdown())
            #expect(violations.load(ordering: .relaxed) == 0)
            #expect(writer.metrics.snapshot().batchesCommitted >= 15)
            var highest: [String: Int64] = [:]
            for ack in collector.all { highest[ack.sessionId] = max(highest[ack.sessionId] ?? 0, ack.seq) }
            #expect(highest.count == sessions.count && highest.values.allSatisfy { $0 == 10 })
            for session in sessions { #expect(try store.session(id: session)?.checkpoint.seq == 10) }
        }

        @Test("a record the store refuses inside the pipeline costs only itself")
        func refusedRecordInPipeline() throws {
            guard let database = try PostgresTestDatabase.make() else { return }
            let store = try database.store()
            let user = Fixtures.user()
            try store.createUser(user)
            let rejected = Atomic<Int>(0)
            let collector = AckCollector()
            let writer = PersistenceWriter(
                store: store, configuration: WriterConfiguration(maxBatchRecords: 10, maxBatchDelayMs: 0),
                onDurable: { collector.append($0) }, onRejected: { records, _ in rejected.add(records.count, ordering: .relaxed) })
            var good: [SessionCheckpoint] = []
            for index in 0..<50 {
                if index == 25 {
                    var bad = Fixtures.checkpoint(user: user.id, seq: 1)
                    bad.totals.activeMs = -1
                    #expect(writer.enqueue(.checkpoint(bad)))
                }
                let checkpoint = Fixtures.checkpoint(user: user.id, seq: 1)
                good.append(checkpoint)
                #expect(writer.enqueue(.checkpoint(checkpoint)))
            }
            writer.start()
            #expect(writer.shutdown())
            #expect(rejected.load(ordering: .relaxed) == 1)
            #expect(Set(collector.all.map(\.sessionId)) == Set(good.map(\.sessionId)))
            for checkpoint in good { #expect(try store.session(id: checkpoint.sessionId)?.checkpoint.seq == 1) }
        }
    }
}
