// Instruction counts of the coaching round trip, for callgrind.
//
// The `activity` round trip of CoachingBenchmarks (`CoachingShard.receivedText`: decode 64
// intervals, rate limit, seq contract, `UserCoach.ingest`, day tallies and leaderboard time,
// encode `flow` → `perform(.send)` → frame into the connection's output → flush), as a plain
// release executable with no benchmark framework around it, so that valgrind counts only
// the round trips and their set-up. Run it with two counts and divide the difference: the
// set-up, the 500 warm-up updates and the process start cancel out.
//
//     swift build -c release --product RoundTripCount
//     valgrind --tool=callgrind --callgrind-out-file=/tmp/rt-1000 .build/release/RoundTripCount 1000
//     valgrind --tool=callgrind --callgrind-out-file=/tmp/rt-3000 .build/release/RoundTripCount 3000
//     # instructions per round trip = (Ir of 3000 − Ir of 1000) ÷ 2000
//
// `--answer-times` adds what the event loop does per read for `/metrics`' answer times
// (the count of answered activities before and after, a clock read, two histogram records):
// the difference of the two counts is that cost.
//
// `--steps` runs the steps alone, without the shard (RoundTripSteps.swift), as the
// benchmark of `f5ba33d` did. `--digest` prints a hash of every byte framed, to check
// that a change of the encoder leaves the wire as it was (not while counting: the hash
// costs instructions).
//
// `--sessions N` answers N sessions of N / 5 users in round-robin, so that every round trip
// finds its session cold, as at the `steady` profile (ColdSessions.swift); count it with
// cachegrind for the cache misses per round trip:
//
//     SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=cachegrind --cache-sim=yes \
//         --cachegrind-out-file=/tmp/cold-10k .build/release/RoundTripCount 10000 --sessions 10000
//     # … and 30000; misses per round trip = difference ÷ 20000
//
// docs/BENCHMARKS.md "Instructions per coaching round trip" and "Cold sessions: cache
// misses per `activity`" have the figures.
import CoachingCore
import Glibc
import WSProtocol

/// The least a loop's shell does for `perform(.send)`: frame the payload into the
/// connection's output at once; everything else the activity path never asks for.
final class FramingShell: CoachingShell {
    var endpoint = WebSocketEndpoint()
    var output = ByteWriter(capacity: 4_096)
    var framed: Int = 0
    var lookUp: SessionStartRequest?

    /// As the event loop does: sends do not go through ``perform(_:)``.
    func send(_ connection: ConnectionID, _ payload: UnsafeRawBufferPointer) {
        _ = endpoint.send(.text, payload: payload, into: &output)
        framed += 1
    }

    func perform(_ action: CoachingAction) {
        switch action {
        case .send(_, let payload):
            _ = endpoint.send(.text, payload: payload, into: &output)
            framed += 1
        case .lookUpSession(_, let request):
            lookUp = request
        case .deliverSnapshot, .publishLocally, .close, .refuseUpgrade, .checkToken, .resumeInput,
             .handOver, .leaderboard:
            break
        }
    }

    func enqueue(_ record: PersistenceRecord) -> Bool { true }
    func submit(_ job: StoreJob) -> Bool { true }
    func latestSnapshot(for key: ChannelKey) -> ChannelEvent? { nil }
}

/// One shard, one authenticated connection, one live session; `warmUp` updates, then
/// `rounds` counted ones, each flushed (and hashed when asked) as the shell would.
func runShard(warmUp: Int, rounds: Int, hashing: Bool, answerTimes: Bool) -> FramedOutput {
    var fixture = ActivityFixture()
    var bench = BenchShard()
    let (shard, shell, stats) = (bench.shard, bench.shell, bench.stats)
    guard let session = SessionID(ActivityFixture.session) else { fatalError("RoundTripCount: the fixture's session id parses") }
    let user = User(id: "00000000-0000-4000-8000-00000000beef", name: "bench", displayName: "Bench",
                    timeZone: "Europe/Berlin", createdAtMs: 0)
    let connection = bench.openSession(session, of: user, connection: 1, tokenId: "t-bench")

    var framed = FramedOutput(hashing: hashing)
    for round in 0..<(warmUp + rounds) {
        fixture.advance()
        bench.time.monotonicMs += ActivityFixture.windowMs
        bench.time.wallMs = fixture.atMs
        let sent = shell.framed
        let answeredBefore = answerTimes ? stats.activitiesAnswered : 0
        fixture.bytes.withUnsafeBytes { shard.receivedText(connection, $0, at: bench.time) }
        if answerTimes { recordAnswerTimes(stats, answeredBefore: answeredBefore, sinceWakeNs: 60_000, sinceReadNs: 30_000) }
        if shell.framed == sent { fatalError("RoundTripCount: activity \(fixture.seq) not answered") }
        if round >= warmUp {
            framed.frames += shell.framed - sent
            shell.output.withUnsafeReadableBytes { framed.add($0) }
        }
        shell.output.consume(shell.output.readableCount)
    }
    return framed
}

/// What the event loop adds per read that answered activities
/// (`EventLoop.recordAnswerTimes`): the answered count before and after, one clock read
/// (`clock_gettime`; under valgrind a system call, outside it the vDSO), two histogram
/// records. The times recorded are typical ones (60 and 30 µs: the second and first
/// bucket), as a histogram's scan stops at the first bucket that holds the time.
@inline(never)
func recordAnswerTimes(_ stats: LoopStats, answeredBefore: Int, sinceWakeNs: UInt64, sinceReadNs: UInt64) {
    let answered = stats.activitiesAnswered &- answeredBefore
    guard answered > 0 else { return }
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    let writtenNs = UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    let wakeNs = writtenNs &- sinceWakeNs
    let eventNs = writtenNs &- sinceReadNs
    stats.answerSinceWake.record(Int(truncatingIfNeeded: writtenNs &- wakeNs), count: answered)
    stats.answerSinceRead.record(Int(truncatingIfNeeded: writtenNs &- eventNs), count: answered)
}

let arguments = CommandLine.arguments
var options = Array(arguments.dropFirst(2))
/// `--sessions N`: N cold sessions in round-robin (ColdSessions.swift); 1, the default, is
/// the single warm session.
var sessions = 1
if let flag = options.firstIndex(of: "--sessions") {
    guard flag + 1 < options.count, let count = Int(options[flag + 1]), count >= 1 else {
        print("RoundTripCount: --sessions takes a count of at least 1")
        exit(2)
    }
    sessions = count
    options.removeSubrange(flag...(flag + 1))
}
guard arguments.count >= 2, let rounds = Int(arguments[1]), rounds >= 0,
      options.allSatisfy({ $0 == "--digest" || $0 == "--steps" || $0 == "--answer-times" || $0 == "--ticks" }),
      sessions == 1 ? !options.contains("--ticks") : options.allSatisfy({ $0 == "--digest" || $0 == "--ticks" }) else {
    print("usage: RoundTripCount ROUND_TRIPS [--steps] [--digest] [--answer-times] | ROUND_TRIPS --sessions N [--digest] [--ticks]")
    exit(2)
}
let hashing = options.contains("--digest")
let framed: FramedOutput
if sessions > 1 {
    // Two full cycles first: every session's day and language known, every table grown.
    let ticks = options.contains("--ticks")
    framed = runColdShard(sessions: sessions, warmUpCycles: 2, rounds: rounds, hashing: hashing, ticks: ticks)
    print("round trips: \(rounds) over \(sessions) sessions after 2 warm-up cycles\(ticks ? ", ticks every 500 ms" : ""), "
        + framed.summary)
} else {
    framed = options.contains("--steps")
        ? runSteps(warmUp: 500, rounds: rounds, hashing: hashing)
        : runShard(warmUp: 500, rounds: rounds, hashing: hashing, answerTimes: options.contains("--answer-times"))
    print("round trips: \(rounds) after 500 warm-up, " + framed.summary)
}
