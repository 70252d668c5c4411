@testable import CoachingCore
import Persistence
import Synchronization
import Foundation
@testable import RealtimeServer
import Testing

struct CoachingServicesTests {
    @Test("a user's home loop is stable and spreads users over the loops")
    func homeLoop() {
        let ids = (0..<1_000).map { "user-\($0)" }
        var counts = [0, 0, 0, 0]
        for id in ids {
            let loop = CoachingShard.homeLoop(of: id, loops: 4)
            #expect(loop == CoachingShard.homeLoop(of: id, loops: 4))
            counts[loop] += 1
        }
        #expect(counts.allSatisfy { $0 > 150 })
        #expect(CoachingShard.homeLoop(of: "anyone", loops: 1) == 0)
    }

    @Test("the per-IP limiter admits up to the limit and frees on release")
    func perIP() {
        let limiter = PerIPLimiter(limit: 2)
        let host = PeerHost(high: 0, low: 0x0000_FFFF_7F00_0001)
        let other = PeerHost(high: 0, low: 0x0000_FFFF_7F00_0002)
        #expect(limiter.admit(host) && limiter.admit(host))
        #expect(!limiter.admit(host))
        #expect(limiter.admit(other))
        limiter.release(host)
        #expect(limiter.admit(host))
    }

    @Test("the store reader runs jobs in order on its thread and stops after the queue")
    func reader() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("db.sqlite").path)
        try store.migrate()
        let reader = StoreReader(store: store, capacity: 4)
        let seen = Mutex<[Int]>([])
        for index in 0..<4 { #expect(reader.submit { _ in seen.withLock { $0.append(index) } }) }
        #expect(!reader.submit { _ in })  // full: refused, not queued without bound
        reader.start()
        reader.shutdown()
        #expect(seen.withLock { $0 } == [0, 1, 2, 3])
        #expect(!reader.submit { _ in })  // stopped
    }
}
