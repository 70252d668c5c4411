import CoachingCore
import WSProtocol

/// The round trip at the `steady` soak profile's shape: `sessions` live sessions of
/// `sessions / 5` users (five each, one connection per session, as the soak's editors
/// hold them), answered in round-robin, so that each `activity` finds its session, its
/// connection and its user cold: the thousands touched since have pushed them out of the
/// caches. Session `i` belongs to user `i % users`: consecutive rounds name different
/// users, and a user's other sessions are as cold as at `steady`, where each session keeps
/// its own pace. Count it with cachegrind (docs/BENCHMARKS.md "Cold sessions: cache misses per
/// `activity`"): the misses per round trip are what the same work costs on top of the
/// single warm session's.
///
/// Every session sends the same window in turn (its own id, seq and `at_ms` written in
/// place); the monotonic clock moves one window's length per full cycle, so each session
/// sees one window per 10 s, as a soak client paces them. No timer tick runs, as in the
/// single-session shape: the difference between the two is the cold data alone. With
/// `ticks`, the shard's timer tick runs every ``CoachingShard/tickIntervalMs`` of that clock,
/// as the loop runs it: the sweep of the sessions due (checkpoints every
/// `sessions.checkpoint_interval_ms`, idle checks), its records handed to the shell.
func runColdShard(sessions: Int, warmUpCycles: Int, rounds: Int, hashing: Bool, ticks: Bool = false) -> FramedOutput {
    var fixture = ActivityFixture()
    var bench = BenchShard()
    let (shard, shell) = (bench.shard, bench.shell)
    let perUser = 5
    let userCount = (sessions + perUser - 1) / perUser
    let users = (0..<userCount).map { index in
        User(id: "00000000-0000-4000-8000-" + digits(index, width: 12), name: "bench\(index)",
             displayName: "Bench \(index)", timeZone: "Europe/Berlin", createdAtMs: 0)
    }
    let ids = (0..<sessions).map { SessionID(high: 0x6f1c_2a3e_8d4b_4f7a, low: 0x9b2e_0000_0000_0000 | UInt64($0)) }
    let connections = ids.enumerated().map { index, id in
        bench.openSession(id, of: users[index % userCount], connection: ConnectionID(index + 1), tokenId: "t-bench\(index)")
    }

    var framed = FramedOutput(hashing: hashing)
    let warmUp = warmUpCycles * sessions
    let stepMs = max(1, ActivityFixture.windowMs / Int64(sessions))
    var nextTickMs = bench.time.monotonicMs + CoachingShard.tickIntervalMs
    for round in 0..<(warmUp + rounds) {
        let index = round % sessions
        let cycle = Int64(round / sessions) + 1
        fixture.set(seq: ActivityFixture.firstSeq + cycle, atMs: ActivityFixture.firstAtMs + cycle * ActivityFixture.windowMs)
        let offset = fixture.sessionOffset
        fixture.bytes.withUnsafeMutableBytes {
            ids[index].write(into: UnsafeMutableRawBufferPointer(rebasing: $0[offset..<(offset + SessionID.textLength)]))
        }
        bench.time.monotonicMs += stepMs
        bench.time.wallMs = fixture.atMs
        let sent = shell.framed
        fixture.bytes.withUnsafeBytes { shard.receivedText(connections[index], $0, at: bench.time) }
        if shell.framed == sent { fatalError("RoundTripCount: activity \(fixture.seq) of session \(index) not answered") }
        if round >= warmUp {
            framed.frames += shell.framed - sent
            shell.output.withUnsafeReadableBytes { framed.add($0) }
        }
        shell.output.consume(shell.output.readableCount)
        if ticks && bench.time.monotonicMs >= nextTickMs {
            shard.tick(at: bench.time)
            if round >= warmUp { shell.output.withUnsafeReadableBytes { framed.add($0) } }
            shell.output.consume(shell.output.readableCount)
            nextTickMs = bench.time.monotonicMs + CoachingShard.tickIntervalMs
        }
    }
    return framed
}

/// `value` in decimal, zero-padded to `width` digits.
private func digits(_ value: Int, width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}
