import Foundation
import Synchronization
import Testing

import CoachingCore
@testable import Persistence
import PersistenceTestSupport

struct SpillJournalTests {
    private func entry(_ seq: Int64, user: String = UUID().uuidString.lowercased()) -> SpillJournal.Entry {
        SpillJournal.Entry(
            checkpoints: [PersistenceFixtures.checkpoint(user: user, seq: seq, periods: [PersistenceFixtures.period(seq)])],
            baselines: [BaselineRecord(userId: user, updatedAtMs: seq, bytes: [UInt8(truncatingIfNeeded: seq), 0, 255])])
    }

    private func append(_ bytes: [UInt8], to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    @Test("entries read back in order, and a torn tail is ignored and cut off before the next append")
    func tornTail() throws {
        let database = TemporaryDatabase()
        let path = database.directory.appendingPathComponent("spill/journal").path
        let first = entry(1)
        let second = entry(2)
        do {
            let journal = try SpillJournal(path: path)
            try journal.append(first)
            try journal.append(second)
            #expect(try journal.entries() == [first, second])
        }
        // A crash mid-append: a header promising more bytes than follow.
        try append([200, 0, 0, 0, 1, 2, 3, 4, 9, 9], to: path)
        let reopened = try SpillJournal(path: path)
        #expect(try reopened.entries() == [first, second])
        let third = entry(3)
        try reopened.append(third)
        #expect(try SpillJournal(path: path).entries() == [first, second, third])
        try reopened.truncate()
        #expect(try reopened.isEmpty && SpillJournal(path: path).entries().isEmpty)
    }

    @Test("a record with a wrong checksum ends the readable journal")
    func checksumMismatch() throws {
        let database = TemporaryDatabase()
        let path = database.directory.appendingPathComponent("journal").path
        try FileManager.default.createDirectory(at: database.directory, withIntermediateDirectories: true)
        let first = entry(1)
        do {
            let journal = try SpillJournal(path: path)
            try journal.append(first)
            try journal.append(entry(2))
        }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 2] ^= 0x01  // inside the second payload
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try SpillJournal(path: path).entries() == [first])
    }

    @Test("CRC-32 matches the standard check value")
    func crcCheckValue() {
        #expect(CRC32.checksum(Data("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test("with the store down and the queue past its bound, the writer spills, acks from the journal, and replays everything once")
    func writerSpillsAndReplays() throws {
        let database = TemporaryDatabase()
        let sqlite = try database.store()
        let user = PersistenceFixtures.user()
        try sqlite.createUser(user)
        let flaky = FlakyStore(sqlite, failures: 6)
        let path = database.path
        let ackedBeforeStored = Atomic<Int>(0)
        let collector = AckCollector()
        let writer = PersistenceWriter(
            store: flaky,
            configuration: WriterConfiguration(
                maxBatchRecords: 8, retryInitialDelayMs: 1, retryMaxDelayMs: 4,
                spillJournalPath: database.directory.appendingPathComponent("spill.journal").path, spillAfterQueuedRecords: 0),
            onDurable: { acks in
                let reader = try? SQLiteStore(path: path)
                for ack in acks where (try? reader?.session(id: ack.sessionId))??.checkpoint.seq != ack.seq {
                    ackedBeforeStored.add(1, ordering: .relaxed)
                }
                collector.append(acks)
            })
        let sessions = (0..<10).map { _ in UUID().uuidString.lowercased() }
        writer.start()
        for seq in 1...6 {
            for session in sessions {
                #expect(writer.enqueue(.checkpoint(PersistenceFixtures.checkpoint(
                    session: session, user: user.id, seq: Int64(seq), activeMs: Int64(seq) * 1_000,
                    periods: [PersistenceFixtures.period(Int64(seq) * 1_000_000)]))))
            }
            Thread.sleep(forTimeInterval: 0.003)
        }
        #expect(writer.shutdown())
        let metrics = writer.metrics.snapshot()
        #expect(metrics.spilledRecords > 0)
        #expect(metrics.replayedRecords > 0)
        #expect(metrics.journalBytes == 0)
        #expect(metrics.rejectedRecords == 0 && metrics.abandonedRecords == 0)
        #expect(ackedBeforeStored.load(ordering: .relaxed) > 0, "no ack came from the journal")
        var highest: [String: Int64] = [:]
        for ack in collector.all { highest[ack.sessionId] = max(highest[ack.sessionId] ?? 0, ack.seq) }
        #expect(highest.count == sessions.count && highest.values.allSatisfy { $0 == 6 })
        let check = try database.store()
        for session in sessions {
            let stored = try #require(try check.session(id: session))
            #expect(stored.checkpoint.seq == 6 && stored.checkpoint.totals.activeMs == 6_000)
            #expect(stored.flowPeriods.map(\.startMs) == (1...6).map { Int64($0) * 1_000_000 })
        }
        #expect(try SpillJournal(path: database.directory.appendingPathComponent("spill.journal").path).isEmpty)
    }

    @Test("a spilled journal is replayed when the store comes back even if no more records arrive")
    func replayWithoutTraffic() throws {
        let database = TemporaryDatabase()
        let sqlite = try database.store()
        let user = PersistenceFixtures.user()
        try sqlite.createUser(user)
        let flaky = FlakyStore(sqlite, failures: 3)
        let collector = AckCollector()
        let writer = PersistenceWriter(
            store: flaky,
            configuration: WriterConfiguration(
                retryInitialDelayMs: 1, retryMaxDelayMs: 8,
                spillJournalPath: database.directory.appendingPathComponent("spill.journal").path, spillAfterQueuedRecords: 0),
            onDurable: collector.append)
        writer.start()
        let checkpoint = PersistenceFixtures.checkpoint(user: user.id, seq: 4)
        #expect(writer.enqueue(.checkpoint(checkpoint)))
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, writer.metrics.snapshot().replayedRecords == 0 || writer.metrics.snapshot().journalBytes > 0 {
            Thread.sleep(forTimeInterval: 0.005)
        }
        // Stored before shutdown: the idle writer replayed on its own. Read through a
        // connection of our own: the writer thread still owns `sqlite`'s (ThreadSanitizer
        // caught the test sharing it).
        #expect(try database.store().session(id: checkpoint.sessionId)?.checkpoint.seq == 4)
        #expect(collector.all == [DurableAck(sessionId: checkpoint.sessionId, userId: user.id, seq: 4)])
        let metrics = writer.metrics.snapshot()
        #expect(metrics.spilledRecords == 1 && metrics.replayedRecords == 1 && metrics.journalBytes == 0)
        #expect(writer.shutdown())
    }

    @Test("a journal left by a previous run is replayed when the writer starts")
    func leftoverJournalReplayed() throws {
        let database = TemporaryDatabase()
        let store = try database.store()
        let user = PersistenceFixtures.user()
        try store.createUser(user)
        let journalPath = database.directory.appendingPathComponent("spill.journal").path
        let leftover = entry(9, user: user.id)
        try SpillJournal(path: journalPath).append(leftover)
        let writer = PersistenceWriter(store: store, configuration: WriterConfiguration(spillJournalPath: journalPath)) { _ in }
        writer.start()
        #expect(writer.shutdown())
        #expect(writer.metrics.snapshot().replayedRecords == 2)
        let session = try #require(leftover.checkpoints.first)
        #expect(try store.session(id: session.sessionId)?.checkpoint.seq == 9)
        #expect(try store.baseline(userId: user.id) == leftover.baselines.first)
        #expect(try SpillJournal(path: journalPath).isEmpty)
    }
}
