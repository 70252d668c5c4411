import Glibc
import LoopKit
import Testing
@testable import RealtimeServer

/// What a sweep costs the loop's thread with many idle WebSockets and nothing due: the check
/// heap against the walk over the whole table (``EventLoop/sweepsEveryConnection``),
/// alternated in one run (ABAB) so that both see the same machine. A measurement, not a
/// check: it runs only with `FLOWCOACH_SWEEP_BENCH=<connections>` set, and prints its
/// figures (docs/BENCHMARKS.md).
struct SweepCostBenchmark {
    static let connections = getenv("FLOWCOACH_SWEEP_BENCH").flatMap { Int(String(cString: $0)) } ?? 0

    @Test("sweep cost per tick, idle connections: heap vs walk", .enabled(if: connections > 0))
    func sweepCost() throws {
        // Pings an hour apart: nothing falls due during the measured sweeps.
        let harness = try LoopOnTestThread { $0.pingIntervalMs = 3_600_000 }
        let loop = harness.loop
        var clients: [(peer: TestWebSocketPeer, connection: ClientConnection)] = []
        for index in 0..<Self.connections { clients.append(try harness.connect(as: LoopOnTestThread.user("u\(index)"))) }
        var nowMs = loop.nowMs
        SweepVisitTests.sweep(loop, at: nowMs)  // the first look after the hand-over
        // Stands for the rest of the loop's work between two sweeps, which leaves the
        // connection objects out of the cache (32 MiB, past any L3 here).
        var evictor = [UInt8](repeating: 0, count: 32 << 20)
        let sweepsPerRound = 100
        var results: [String: (ns: Int64, sweeps: Int, visits: Int)] = [:]
        for round in 0..<8 {
            for cold in [false, true] {
                let walk = round % 2 == 1
                loop.sweepsEveryConnection = walk
                var spent: Int64 = 0
                let visitsBefore = loop.sweepVisits
                for _ in 0..<sweepsPerRound {
                    nowMs += EventLoop.sweepIntervalMs
                    if cold { for index in stride(from: 0, to: evictor.count, by: 64) { evictor[index] &+= 1 } }
                    let start = Self.threadCPUNs()
                    SweepVisitTests.sweep(loop, at: nowMs)
                    spent += Self.threadCPUNs() - start
                }
                let key = "\(walk ? "walk" : "heap") \(cold ? "cold" : "warm")"
                let previous = results[key] ?? (0, 0, 0)
                results[key] = (previous.ns + spent, previous.sweeps + sweepsPerRound, previous.visits + loop.sweepVisits - visitsBefore)
            }
        }
        for (key, value) in results.sorted(by: { $0.key < $1.key }) {
            let perSweepUs = Double(value.ns) / Double(value.sweeps) / 1_000
            let perVisitNs = value.visits > 0 ? Double(value.ns) / Double(value.visits) : 0
            print("sweep \(key), \(Self.connections) idle connections: \(perSweepUs) µs per sweep, \(value.visits / value.sweeps) visits per sweep, \(perVisitNs) ns per visit")
        }
        #expect(clients.allSatisfy { loop.owns($0.connection) }, "nothing was due: every connection is still open")
    }

    static func threadCPUNs() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
