import Foundation
import CoachingCore
import Persistence
import PersistenceTestSupport
import Synchronization
import Testing

struct PersistenceWriterTests {
    @Test("the writer group-commits queued checkpoints and acks each session's highest seq after commit")
    func groupCommitAndAcks() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let path = database.path
        let violations = Atomic<Int>(0)
        let collector = AckCollector()
        let writer = PersistenceWriter(store: store) { acks in
            // Acks only after commit: a second connection already sees every acked seq.
            let reader = try? SQLiteStore(path: path)
            for ack in acks where (try? reader?.session(id: ack.sessionId))??.checkpoint.seq != ack.seq {
                violations.add(1, ordering: .relaxed)
            }
            collector.append(acks)
        }
        let sessions = (0..<50).map { _ in UUID().uuidString.lowercased() }
        // Queued before the thread starts, so the first transactions hold many records.
        for seq in 1...10 {
            for session in sessions {
                #expect(writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(session: session, user: user.id, seq: Int64(seq)))))
            }
        }
        writer.start()
        #expect(writer.shutdown())

        let metrics = writer.metrics.snapshot()
        #expect(violations.load(ordering: .relaxed) == 0)
        #expect(metrics.maxBatchSize > 1)
        #expect(metrics.batchesCommitted < 500)
        var highest: [String: Int64] = [:]
        for ack in collector.all { highest[ack.sessionId] = max(highest[ack.sessionId] ?? 0, ack.seq) }
        #expect(highest.count == 50 && highest.values.allSatisfy { $0 == 10 })
        let check = try database.store()
        for session in sessions { #expect(try check.session(id: session)?.checkpoint.seq == 10) }
    }

    @Test("a checkpoint whose session is stored under another user is never acked, and is counted and reported")
    func conflictNotAcked() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let ada = PersistenceFixtures.user("ada")
        let eve = PersistenceFixtures.user("eve")
        try store.createUser(ada)
        try store.createUser(eve)
        let taken = UUID().uuidString.lowercased()
        let own = UUID().uuidString.lowercased()
        try store.writeBatch([PersistenceFixtures.checkpoint(session: taken, user: ada.id, seq: 1)])
        let collector = AckCollector()
        let reported = Atomic<Int>(0)
        let writer = PersistenceWriter(store: store, onDurable: collector.append, onRejected: { records, _ in
            reported.add(records.count, ordering: .relaxed)
        })
        writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(session: taken, user: eve.id, seq: 5)))
        writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(session: own, user: eve.id, seq: 2)))
        writer.start()
        #expect(writer.shutdown())
        #expect(collector.all.map(\.sessionId) == [own])
        #expect(writer.metrics.snapshot().conflictingCheckpoints == 1)
        #expect(reported.load(ordering: .relaxed) == 1)
    }

    @Test("checkpoints of one session in one batch coalesce to the highest seq with every flow period")
    func coalescing() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let collector = AckCollector()
        let writer = PersistenceWriter(store: store, onDurable: collector.append)
        let session = UUID().uuidString.lowercased()
        writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 1, periods: [PersistenceFixtures.period(100)])))
        writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 3, periods: [PersistenceFixtures.period(300)])))
        writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(session: session, user: user.id, seq: 2, periods: [PersistenceFixtures.period(200)])))
        writer.start()
        writer.shutdown()
        #expect(collector.all == [DurableAck(sessionId: session, userId: user.id, seq: 3)])
        let stored = try #require(try database.store().session(id: session))
        #expect(stored.checkpoint.seq == 3)
        #expect(stored.flowPeriods.map(\.startMs) == [100, 200, 300])
    }

    @Test("a store that fails N times then recovers loses nothing and duplicates nothing")
    func retriesThroughOutage() throws {
        let database = TemporaryDatabase()
        let sqlite = try database.store()
        let user = PersistenceFixtures.user()
        try sqlite.createUser(user)
        let flaky = FlakyStore(sqlite, failures: 4)
        let collector = AckCollector()
        let writer = PersistenceWriter(
            store: flaky, configuration: WriterConfiguration(retryInitialDelayMs: 1, retryMaxDelayMs: 4), onDurable: collector.append)
        writer.start()
        let session = UUID().uuidString.lowercased()
        for seq in 1...5 {
            #expect(writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(
                session: session, user: user.id, seq: Int64(seq), activeMs: Int64(seq) * 1_000, periods: [PersistenceFixtures.period(Int64(seq))]))))
        }
        #expect(writer.shutdown())
        #expect(flaky.writeCalls.load(ordering: .relaxed) >= 5)
        #expect(writer.metrics.snapshot().failures == 4)
        #expect(writer.metrics.snapshot().storeAvailable)
        #expect(collector.all.map(\.seq).max() == 5)
        let stored = try #require(try database.store().session(id: session))
        #expect(stored.checkpoint.seq == 5 && stored.checkpoint.totals.activeMs == 5_000)
        #expect(stored.flowPeriods.map(\.startMs) == [1, 2, 3, 4, 5])
    }

    @Test("no ack is sent while the store is failing")
    func noAckBeforeCommit() throws {
        let database = TemporaryDatabase()
        let sqlite = try database.store()
        let user = PersistenceFixtures.user()
        try sqlite.createUser(user)
        let flaky = FlakyStore(sqlite, failures: 1_000_000)
        let collector = AckCollector()
        let writer = PersistenceWriter(
            store: flaky, configuration: WriterConfiguration(retryInitialDelayMs: 1, retryMaxDelayMs: 2), onDurable: collector.append)
        writer.start()
        writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(user: user.id, seq: 1)))
        Thread.sleep(forTimeInterval: 0.05)
        #expect(collector.all.isEmpty)
        #expect(!writer.metrics.snapshot().storeAvailable)
        #expect(writer.shutdown(timeoutMs: 50))
        #expect(collector.all.isEmpty)
        #expect(writer.metrics.snapshot().abandonedRecords == 1)
    }

    @Test("a full queue refuses at once and accepts again once drained")
    func backpressure() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let collector = AckCollector()
        let writer = PersistenceWriter(store: store, configuration: WriterConfiguration(queueCapacity: 2), onDurable: collector.append)
        #expect(writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(user: user.id, seq: 1))))
        #expect(writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(user: user.id, seq: 1))))
        #expect(!writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(user: user.id, seq: 1))))
        #expect(writer.metrics.snapshot().enqueueRefused == 1)
        writer.start()
        let done = Atomic<Bool>(false)
        // Room again once the writer has drained the queue (polled, bounded to 5 s).
        var accepted = false
        for _ in 0..<500 where !accepted {
            accepted = writer.submit { _ in done.store(true, ordering: .relaxed) }
            if !accepted { Thread.sleep(forTimeInterval: 0.01) }
        }
        #expect(accepted)
        writer.shutdown()
        let jobRan = done.load(ordering: .relaxed)
        #expect(jobRan)
        #expect(collector.all.count == 2)
        #expect(!writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(user: user.id, seq: 1))))  // closed after shutdown
    }

    @Test("a permanently bad record is dropped alone; the rest of its batch is stored")
    func poisonRecordIsolated() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let collector = AckCollector()
        let rejected = AckCollector()
        let writer = PersistenceWriter(store: store, onDurable: collector.append) { records, _ in
            for case .checkpoint(let checkpoint) in records {
                rejected.append([DurableAck(sessionId: checkpoint.sessionId, userId: checkpoint.userId, seq: checkpoint.seq)])
            }
        }
        var bad = PersistenceFixtures.checkpoint(user: user.id, seq: 1)
        bad.totals.flowMs = -1
        let good = [PersistenceFixtures.checkpoint(user: user.id, seq: 1), PersistenceFixtures.checkpoint(user: user.id, seq: 2)]
        writer.enqueue(.checkpoint(good[0]))
        writer.enqueue(.checkpoint(bad))
        writer.enqueue(.checkpoint(good[1]))
        writer.start()
        writer.shutdown()
        #expect(Set(collector.all.map(\.sessionId)) == Set(good.map(\.sessionId)))
        #expect(rejected.all.map(\.sessionId) == [bad.sessionId])
        #expect(writer.metrics.snapshot().rejectedRecords == 1)
    }

    @Test("jobs run on the writer thread after the records queued before them are committed")
    func jobsRunInOrder() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let writer = PersistenceWriter(store: store, onDurable: { _ in })
        let checkpoint = PersistenceFixtures.checkpoint(user: user.id, seq: 4)
        writer.enqueue(.checkpoint(checkpoint))
        let seen = Atomic<Int>(-1)
        #expect(writer.submit { store in
            let seq = (try? store.session(id: checkpoint.sessionId))??.checkpoint.seq ?? 0
            seen.store(Int(seq), ordering: .relaxed)
        })
        writer.start()
        writer.shutdown()
        #expect(seen.load(ordering: .relaxed) == 4)
    }

    @Test("shutdown of a writer that was never started still flushes, and a second shutdown is harmless")
    func shutdownWithoutStart() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let collector = AckCollector()
        let writer = PersistenceWriter(store: store, onDurable: collector.append)
        let checkpoint = PersistenceFixtures.checkpoint(user: user.id, seq: 9)
        #expect(writer.enqueue(.checkpoint(checkpoint)))
        #expect(writer.shutdown())
        #expect(writer.shutdown())
        #expect(collector.all == [DurableAck(sessionId: checkpoint.sessionId, userId: user.id, seq: 9)])
    }
}
