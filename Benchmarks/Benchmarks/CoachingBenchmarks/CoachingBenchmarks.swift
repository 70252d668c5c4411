// Benchmarks of the coaching service's hot paths (CoachingCore, public API only).
//
// - The `activity` round trip as a loop does it for one update: the text message goes into
//   the loop's `CoachingShard.receivedText` (decode with the shard's `InboundDecoder`, rate
//   limit, the seq contract, `UserCoach.ingest` (FlowEngine), day tallies and leaderboard
//   time, `OutboundEncoder.flow`), which asks its shell to `perform(.send)`; a minimal shell
//   frames the payload with `WebSocketEndpoint.send` into the connection's output
//   `ByteWriter` (then consumed, as a flush would). Each step also alone, to tell which one
//   costs (or allocates).
// - `OutboundEncoder` `flow` and `durable` alone.
// - Channel fan-out: `SubscriptionRegistry.publish` of one leaderboard `ChannelEvent` to
//   10,000 subscribers on one loop, each write appending into that subscriber's own output
//   `ByteWriter` (an event to 10,000 subscribers within 50 ms end to end).
//
// Not covered here: the shell's socket I/O, the output cork and the shard's tick (sweep,
// checkpoints, leaderboard flush). docs/BENCHMARKS.md "Coaching service" has the method
// and the figures.
import Benchmark
import CoachingCore
import FlowEngine
import Glibc
import WSProtocol
import WireJSON

/// A steady-state path allocates nothing: an extra malloc fails a baseline check.
var zeroMallocs: [BenchmarkMetric: BenchmarkThresholds] {
    [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p100: 0])]
}

/// Time and allocations. No `.cpuTotal` / `.instructions`: the framework samples those
/// (reading /proc, which allocates) *inside* the malloc-counting window, which adds ~16
/// mallocs to every sample; `.cpuTotal` is also only 10 ms granular here, and this VM has no
/// hardware counters. Without them the malloc count of a sample is exact.
/// Plus this thread's CPU time (CLOCK_THREAD_CPUTIME_ID, ns granular), which on this shared
/// machine is the figure to trust: wall clock includes the time other processes held the
/// core (see docs/BENCHMARKS.md).
let coachingMetrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, threadCPU]

/// CPU time of the benchmark thread over the sample (per iteration, like the wall clock).
let threadCPU = BenchmarkMetric.custom("Thread CPU (ns)")

/// Nanoseconds of CPU this thread has used.
func threadCPUNanos() -> Int {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return time.tv_sec * 1_000_000_000 + time.tv_nsec
}

/// Runs `body` as the measured part of a sample and records its thread CPU time.
func measure(_ benchmark: Benchmark, _ body: () -> Void) {
    benchmark.startMeasurement()
    let started = threadCPUNanos()
    body()
    let used = threadCPUNanos() - started
    benchmark.stopMeasurement()
    benchmark.measurement(threadCPU, used)
}

/// Malloc audits: one sample = `auditIterations` updates, counted exactly. (The timed
/// benchmarks use `.kilo` scaling, whose per-iteration malloc figure is the sample's count
/// ÷ 1,000 rounded: "0" there only means fewer than 0.5 per iteration.)
let auditIterations = 1_000
/// How many `break` reminders the audited updates produced (each one is a second frame).
let breakReminders = BenchmarkMetric.custom("Break reminders sent", useScalingFactor: false)
var auditConfiguration: Benchmark.Configuration {
    .init(
        metrics: [.mallocCountTotal, breakReminders], warmupIterations: 2, scalingFactor: .one,
        maxDuration: .seconds(1), maxIterations: 50, thresholds: zeroMallocs)
}

// MARK: The activity message

/// The `activity` of PROTOCOL.md with 64 keystroke intervals of steady typing (~150 ms).
/// `seq` (10 digits) and `at_ms` (13 digits) have fixed widths so that ``ActivityTemplate``
/// can advance them in place: every update is a new, later window, as from a live editor.
/// The shard's default settings, except that a session's first `seq` may be the
/// template's 10-digit one (the default `max_seq_gap` refuses a first jump that far).
var benchmarkSettings: CoachingSettings {
    var settings = CoachingSettings()
    settings.maxSeqGap = .max
    return settings
}

struct ActivityTemplate {
    static let session = "6f1c2a3e-8d4b-4f7a-9b2e-1c0d5e6f7a8b"
    static let firstSeq: Int64 = 1_000_000_000
    static let firstAtMs: Int64 = 1_795_317_210_000
    static let windowMs: Int64 = 10_000

    /// 2026-11-21 22:00 at UTC+1: 500 warm-up updates end at 23:23, so 1,000 measured
    /// updates cross the user's local midnight (a new day in the ledger).
    static let beforeMidnightAtMs: Int64 = 1_795_294_800_000

    var bytes: [UInt8]
    let seqOffset: Int
    let atMsOffset: Int
    private(set) var seq = firstSeq
    private(set) var atMs: Int64

    /// The first window ends at `firstAtMs` (default: 2026-11-22 04:13:30 at UTC+1).
    init(firstAtMs: Int64 = Self.firstAtMs, session: String = Self.session) {
        atMs = firstAtMs
        let intervals = (0..<64).map { String(120 + ($0 * 37) % 60) }.joined(separator: ",")
        let text = #"{"type":"activity","session":"\#(session)","seq":\#(Self.firstSeq),"#
            + #""at_ms":\#(firstAtMs),"window_ms":\#(Self.windowMs),"keystrokes":65,"#
            + #""keystroke_intervals":[\#(intervals)],"context_switches":0,"error_events":0,"#
            + #""focus_ms":10000,"files_modified":1,"lines_added":4,"lines_deleted":1,"#
            + #""language":"swift","file_saved":true,"commit":false}"#
        bytes = Array(text.utf8)
        seqOffset = Self.offset(after: #""seq":"#, in: bytes)
        atMsOffset = Self.offset(after: #""at_ms":"#, in: bytes)
    }

    /// The next window of the same session: seq + 1, at_ms + window_ms (23 digit bytes).
    mutating func advance() {
        seq += 1
        atMs += Self.windowMs
        Self.writeDigits(seq, width: 10, at: seqOffset, in: &bytes)
        Self.writeDigits(atMs, width: 13, at: atMsOffset, in: &bytes)
    }

    private static func offset(after marker: String, in bytes: [UInt8]) -> Int {
        let needle = Array(marker.utf8)
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return start + needle.count
        }
        fatalError("ActivityTemplate: \(marker) not found")
    }

    private static func writeDigits(_ value: Int64, width: Int, at offset: Int, in bytes: inout [UInt8]) {
        var rest = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
            bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }
}

/// One live session of one user, warmed up: the state a loop holds for it.
struct WarmSession {
    var coach = UserCoach()
    var session: FlowSession
    var template: ActivityTemplate
    static let utcOffsetMs: Int64 = 3_600_000

    init(firstAtMs: Int64 = ActivityTemplate.firstAtMs) {
        template = ActivityTemplate(firstAtMs: firstAtMs)
        session = coach.startSession(atMs: firstAtMs - ActivityTemplate.windowMs,
                                     project: "flowcoach", language: "swift", utcOffsetMs: Self.utcOffsetMs)
    }
}

/// The shell of the round trip: the least a loop does for `perform(.send)` — frame the
/// payload into the connection's output at once (no copy of the payload), as the server's
/// shell does. Everything else a shard may ask for is accepted and dropped; the activity
/// path asks for nothing else.
final class FramingShell: CoachingShell {
    var endpoint = WebSocketEndpoint()
    var output = ByteWriter(capacity: 4_096)
    /// Text messages framed (`flow`, and a `break` when the scheduler pushes one).
    var framed = 0
    /// The store look-up a `session.start` asked for (set-up only).
    var lookUp: SessionStartRequest?

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

    /// What a flush does: the output is written and emptied.
    func flush() {
        blackHole(output.readableCount)
        output.consume(output.readableCount)
    }
}

/// One loop's coaching shard with one authenticated connection carrying one live session,
/// warmed up. `update()` is one `activity` handled end to end as the server handles it:
/// `CoachingShard.receivedText` (decode, rate limit, seq contract, `UserCoach.ingest`,
/// day tallies and leaderboard time, encode `flow`) → `perform(.send)` → frame into the
/// connection's output → flush.
struct RoundTrip: ~Copyable {
    let shell: FramingShell
    let shard: CoachingShard
    let connection: CoachingConnection
    var template: ActivityTemplate
    /// The shell's clocks: monotonic and wall time follow the event time of the windows
    /// (one window per 10 s, as a live editor sends them).
    var time: CoachingTime
    /// Text messages framed before the first measured update.
    let framedAtStart: Int
    /// Break reminders sent (the scheduler may push one; the shard then sends a second message).
    var reminders: Int { shell.framed - framedAtStart - updates }
    private(set) var updates = 0

    /// Warmed up: the baseline is learned and every buffer has grown to its steady size.
    init(firstAtMs: Int64 = ActivityTemplate.firstAtMs, warmUpdates: Int = 500) {
        let shell = FramingShell()
        let time = CoachingTime(monotonicMs: 1_000_000, wallMs: firstAtMs)
        let shard = CoachingShard(
            configuration: CoachingShard.Configuration(
                settings: benchmarkSettings, utcOffsetMs: { _, _ in WarmSession.utcOffsetMs }),
            shell: shell, stats: LoopStats())
        let connection = shard.opened(id: 1, bearerToken: nil, at: time)
        let hello = Array(#"{"type":"hello","token":"fc_i_bench_token"}"#.utf8)
        hello.withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
        let user = User(id: "00000000-0000-4000-8000-00000000beef", name: "bench", displayName: "Bench",
                        timeZone: "Europe/Berlin", createdAtMs: 0)
        shard.tokenChecked(connection, outcome: .valid(AuthenticatedUser(
            user: user, scope: .ingest, tokenId: "t-bench",
            profile: UserProfile(privacy: .defaults, memberships: [], baseline: nil, recentDays: []))), at: time)
        let start = Array((#"{"type":"session.start","session":"\#(ActivityTemplate.session)","project":"flowcoach","#
            + #""language":"swift","at_ms":\#(firstAtMs - ActivityTemplate.windowMs)}"#).utf8)
        start.withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
        guard let request = shell.lookUp else { fatalError("round trip: session.start asked for no look-up") }
        shard.sessionLookedUp(connection, request: request, outcome: .notFound, at: time)
        shell.flush()
        self.shell = shell
        self.shard = shard
        self.connection = connection
        self.time = time
        template = ActivityTemplate(firstAtMs: firstAtMs)
        framedAtStart = shell.framed
        for _ in 0..<warmUpdates { update() }
        precondition(shell.framed - framedAtStart >= warmUpdates, "round trip: activities were not answered")
    }

    mutating func update() {
        template.advance()
        time.monotonicMs += ActivityTemplate.windowMs
        time.wallMs = template.atMs
        let sent = shell.framed
        template.bytes.withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
        if shell.framed == sent { fatalError("round trip: activity \(template.seq) not answered") }
        updates += 1
        shell.flush()
    }
}

/// A shard holding `sessions` live sessions (one user and connection each) that have sent
/// one activity, for the cost of the shard's periodic sweep (`tick`): what one loop pays
/// every 500 ms when it holds that many sessions, whether or not anything is due.
final class SweepFixture {
    let shell = FramingShell()
    let shard: CoachingShard
    var time = CoachingTime(monotonicMs: 1_000_000, wallMs: ActivityTemplate.firstAtMs)

    init(sessions: Int) {
        shard = CoachingShard(
            configuration: CoachingShard.Configuration(settings: benchmarkSettings),
            shell: shell, stats: LoopStats())
        for index in 0..<sessions {
            let connection = shard.opened(id: ConnectionID(index + 1), bearerToken: nil, at: time)
            let hello = Array(#"{"type":"hello","token":"fc_i_bench_token"}"#.utf8)
            hello.withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
            let userId = "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - String(index).count) + String(index)
            let user = User(id: userId, name: "u\(index)", displayName: "U\(index)", timeZone: "UTC", createdAtMs: 0)
            shard.tokenChecked(connection, outcome: .valid(AuthenticatedUser(
                user: user, scope: .ingest, tokenId: "t-\(index)",
                profile: UserProfile(privacy: .defaults, memberships: [], baseline: nil, recentDays: []))), at: time)
            let session = "6f1c2a3e-8d4b-4f7a-9b2e-" + String(repeating: "0", count: 12 - String(index).count) + String(index)
            let start = Array((#"{"type":"session.start","session":"\#(session)","project":"p","language":"swift","#
                + #""at_ms":\#(time.wallMs - 10_000)}"#).utf8)
            shell.lookUp = nil
            start.withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
            guard let request = shell.lookUp else { fatalError("sweep: session.start asked for no look-up") }
            shard.sessionLookedUp(connection, request: request, outcome: .notFound, at: time)
            let template = ActivityTemplate(firstAtMs: time.wallMs, session: session)
            template.bytes.withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
            shell.flush()
        }
        // Past the first checkpoints, so that the sweep measured is the steady one.
        for _ in 0..<20 { tick() }
    }

    /// One sweep, 500 ms after the last.
    func tick() {
        time.monotonicMs += CoachingShard.tickIntervalMs
        time.wallMs += CoachingShard.tickIntervalMs
        shard.tick(at: time)
        shell.flush()
    }
}

// MARK: Fan-out fixtures

/// A leaderboard of `members` users (ids `u-00000`…) and the registry of one loop with every
/// member subscribed to `leaderboard:day:flow_time` (token = member index).
struct FanOut {
    static let subscribers = 10_000
    static let key = ChannelKey.leaderboard(LeaderboardChannel(period: .day, metric: .flowTime))

    var registry = SubscriptionRegistry()
    /// One output per subscriber, as each connection has its own (4 KiB reserved).
    var outputs: [ByteWriter]
    /// Two rankings of the same members in opposite orders: publishing them alternately
    /// changes every subscriber's own rank on every publish (the worst case).
    let rankings: (RankIndex, RankIndex)

    static func userId(_ index: Int) -> String {
        let digits = String(index)
        return "u-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    init() {
        outputs = (0..<Self.subscribers).map { _ in ByteWriter(capacity: 4_096) }
        var ascending = RankIndex()
        var descending = RankIndex()
        for index in 0..<Self.subscribers {
            let id = Self.userId(index)
            ascending.addUnsorted(userId: id, name: "dev\(index)", deltaMs: Int64(60_000 + index * 1_000), visible: true)
            descending.addUnsorted(userId: id, name: "dev\(index)", deltaMs: Int64(60_000 + (Self.subscribers - index) * 1_000), visible: true)
        }
        ascending.sortRows()
        descending.sortRows()
        rankings = (ascending, descending)
        for index in 0..<Self.subscribers {
            do {
                try registry.subscribe(UInt64(index), userId: Self.userId(index), to: Self.key)
            } catch {
                fatalError("FanOut: subscribe failed: \(error)")
            }
        }
    }

    /// The shared frame of a leaderboard event with the top 50 of `ranking`, encoded once,
    /// the way the leaderboard owner does (LeaderboardEncoder is internal; same JSON shape).
    static func frame(_ ranking: RankIndex) -> SharedFrame {
        var writer = JSONWriter(capacity: 4_096)
        writer.beginObject()
        writer.key("type"); writer.value("event")
        writer.key("channel"); writer.value(string: key.wireName)
        writer.key("data")
        writer.beginObject()
        writer.key("period"); writer.value("2026-11-22")
        writer.key("top")
        writer.beginArray()
        var rank = 0
        for entry in ranking.top(50) {
            rank += 1
            writer.beginObject()
            writer.key("rank"); writer.value(rank)
            writer.key("name"); writer.value(string: entry.name)
            writer.key("value_ms"); writer.value(entry.valueMs)
            writer.endObject()
        }
        writer.endArray()
        writer.key("ranked"); writer.value(ranking.memberCount)
        writer.endObject()
        writer.endObject()
        return SharedFrame(textPayload: writer.bytes)
    }

    /// Publishes `event` to every subscriber, appending into each output, then empties the
    /// outputs (the flush). Returns the frames written.
    mutating func publish(_ event: ChannelEvent) -> Int {
        let written = registry.publish(event, isBackedUp: { _ in false }) { token, bytes in
            outputs[Int(token)].append(bytes)
        }
        for index in outputs.indices { outputs[index].consume(outputs[index].readableCount) }
        return written
    }
}

// MARK: Benchmarks

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: coachingMetrics,
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    // The whole update, as a loop handles one `activity` of a live session.
    Benchmark(
        "activity round trip (decode 64 intervals, ingest, encode flow, frame)",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        var trip = RoundTrip()
        measure(benchmark) {
            for _ in benchmark.scaledIterations { trip.update() }
        }
        blackHole(trip.reminders)
    }

    // Exact malloc count of 1,000 consecutive round trips of one warm session (at_ms moves
    // 10 s per update, so 1,000 updates span 2.8 h of typing: breaks and flow periods occur).
    Benchmark("malloc audit: 1,000 activity round trips", configuration: auditConfiguration) { benchmark in
        var trip = RoundTrip()
        let before = trip.reminders
        benchmark.startMeasurement()
        for _ in 0..<auditIterations { trip.update() }
        benchmark.stopMeasurement()
        benchmark.measurement(breakReminders, trip.reminders - before)
    }

    // The same across the user's local midnight (the day ledger opens a new day).
    Benchmark("malloc audit: 1,000 activity round trips across local midnight", configuration: auditConfiguration) { benchmark in
        var trip = RoundTrip(firstAtMs: ActivityTemplate.beforeMidnightAtMs)
        let before = trip.reminders
        benchmark.startMeasurement()
        for _ in 0..<auditIterations { trip.update() }
        benchmark.stopMeasurement()
        benchmark.measurement(breakReminders, trip.reminders - before)
    }

    // Step 2 alone across midnight: tells whether the day change allocates in FlowEngine.
    Benchmark("malloc audit: 1,000 UserCoach.ingest across local midnight", configuration: auditConfiguration) { benchmark in
        var live = WarmSession(firstAtMs: ActivityTemplate.beforeMidnightAtMs)
        var decoder = InboundDecoder()
        let result = live.template.bytes.withUnsafeBytes { decoder.decode($0, nowMs: live.template.atMs) }
        guard case .message(.activity, _) = result else { fatalError("ingest: activity rejected") }
        var window = decoder.window
        for _ in 0..<500 {
            window.seq += 1
            window.atMs += ActivityTemplate.windowMs
            blackHole(live.coach.ingest(window, session: &live.session, utcOffsetMs: WarmSession.utcOffsetMs))
        }
        benchmark.startMeasurement()
        for _ in 0..<auditIterations {
            window.seq += 1
            window.atMs += ActivityTemplate.windowMs
            blackHole(live.coach.ingest(window, session: &live.session, utcOffsetMs: WarmSession.utcOffsetMs))
        }
        benchmark.stopMeasurement()
    }

    // Step 1 alone: advance the template (23 digit bytes) + decode.
    Benchmark(
        "activity step: InboundDecoder.decode (64 intervals)",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        var template = ActivityTemplate()
        var decoder = InboundDecoder()
        func decodeOne() {
            template.advance()
            let result = template.bytes.withUnsafeBytes { decoder.decode($0, nowMs: template.atMs) }
            guard case .message(.activity, _) = result else { fatalError("decode: activity rejected: \(result)") }
            blackHole(decoder.window.keystrokeIntervals.count)
        }
        for _ in 0..<100 { decodeOne() }
        measure(benchmark) {
            for _ in benchmark.scaledIterations { decodeOne() }
        }
    }

    // Step 2 alone: UserCoach.ingest of the decoder's window (the same window the round trip
    // ingests: decoded once, then only seq/at_ms advanced in place).
    Benchmark(
        "activity step: UserCoach.ingest (decoded window)",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        var live = WarmSession()
        var decoder = InboundDecoder()
        let result = live.template.bytes.withUnsafeBytes { decoder.decode($0, nowMs: live.template.atMs) }
        guard case .message(.activity, _) = result else { fatalError("ingest: activity rejected") }
        var window = decoder.window
        // Separate variables: a nested function captures `live` as a whole, and `coach` plus
        // `&session` of one captured struct is an exclusivity conflict at run time.
        var coach = live.coach
        var session = live.session
        func ingestOne() {
            window.seq += 1
            window.atMs += ActivityTemplate.windowMs
            blackHole(coach.ingest(window, session: &session, utcOffsetMs: WarmSession.utcOffsetMs))
        }
        for _ in 0..<500 { ingestOne() }
        measure(benchmark) {
            for _ in benchmark.scaledIterations { ingestOne() }
        }
    }

    // Step 3 alone: OutboundEncoder.flow of a warm session's assessment.
    Benchmark(
        "OutboundEncoder.flow",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        var live = WarmSession()
        var decoder = InboundDecoder()
        var assessment = FlowAssessment.initial(atMs: 0)
        var sessionID = SessionID(high: 0, low: 0)
        for _ in 0..<500 {
            live.template.advance()
            let result = live.template.bytes.withUnsafeBytes { decoder.decode($0, nowMs: live.template.atMs) }
            guard case .message(.activity(let id), _) = result else { fatalError("flow: activity rejected") }
            sessionID = id
            assessment = live.coach.ingest(decoder.window, session: &live.session, utcOffsetMs: WarmSession.utcOffsetMs).flow
        }
        var encoder = OutboundEncoder()
        measure(benchmark) {
            for _ in benchmark.scaledIterations {
                assessment.seq += 1
                encoder.flow(session: sessionID, assessment: assessment)
                blackHole(encoder.writer.count)
            }
        }
    }

    Benchmark(
        "OutboundEncoder.durable",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        guard let sessionID = SessionID(ActivityTemplate.session) else { fatalError("durable: bad session id") }
        var encoder = OutboundEncoder()
        var seq: Int64 = 1_000_000
        measure(benchmark) {
            for _ in benchmark.scaledIterations {
                seq += 1
                encoder.durable(session: sessionID, seq: seq)
                blackHole(encoder.writer.count)
            }
        }
    }

    // Step 4 alone: frame a `flow` reply (~220 B) into the connection's output and consume it.
    Benchmark(
        "activity step: WebSocketEndpoint.send flow reply into ByteWriter",
        configuration: .init(thresholds: zeroMallocs)
    ) { benchmark in
        var encoder = OutboundEncoder()
        let assessment = FlowAssessment.initial(atMs: ActivityTemplate.firstAtMs)
        guard let sessionID = SessionID(ActivityTemplate.session) else { fatalError("send: bad session id") }
        encoder.flow(session: sessionID, assessment: assessment)
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter(capacity: 4_096)
        measure(benchmark) {
            for _ in benchmark.scaledIterations {
                encoder.withUnsafeBytes { _ = endpoint.send(.text, payload: $0, into: &output) }
                blackHole(output.readableCount)
                output.consume(output.readableCount)
            }
        }
    }

    // Leaderboard maintenance: one score change (a random member ± up to 1 min, or ± up to
    // 1 h: a big jump past many others) on a board of 1,000 / 10,000 / 100,000 members. An
    // O(log n) structure stays nearly flat across the three sizes. The board is built once
    // per size and process (the fixture is shared by the samples).
    for members in [1_000, 10_000, 100_000] {
        for (label, maxDeltaMs) in [("1 min", UInt64(60_000)), ("1 h", UInt64(3_600_000))] {
            Benchmark(
                "leaderboard: score change ± \(label), \(members) members (ordinal)",
                configuration: .init(thresholds: zeroMallocs)
            ) { benchmark in
                let board = ScoreBoards.shared.board(members: members, maxDeltaMs: maxDeltaMs)
                measure(benchmark) {
                    for _ in benchmark.scaledIterations { board.changeByOrdinal() }
                }
            }
        }
        // What a publication of that board costs the owner: every member's own rank, frozen
        // for the loops (one in-order walk; two flat arrays).
        Benchmark(
            "leaderboard: own-rank table for a publication, \(members) members",
            configuration: .init(metrics: coachingMetrics, scalingFactor: .one, maxDuration: .seconds(2), maxIterations: 500)
        ) { benchmark in
            let board = ScoreBoards.shared.board(members: members, maxDeltaMs: 60_000)
            measure(benchmark) { blackHole(board.index.ownRankTable().memberCount) }
        }
        Benchmark("leaderboard: own rank, \(members) members") { benchmark in
            let board = ScoreBoards.shared.board(members: members, maxDeltaMs: 60_000)
            var member = 0
            measure(benchmark) {
                for _ in benchmark.scaledIterations {
                    member = (member &+ 7_919) % members
                    blackHole(board.index.ownRank(of: board.userIds[member]))
                }
            }
        }
    }

    // The shard's sweep: one `tick` of a loop holding 5,000 live sessions (10,000 sessions
    // on two loops), each silent since its last activity (the usual state between two
    // updates 5 s apart). One sample = one tick.
    Benchmark(
        "sweep: shard tick, 5,000 live sessions",
        configuration: .init(metrics: coachingMetrics, warmupIterations: 3, scalingFactor: .one,
                             maxDuration: .seconds(3), maxIterations: 1_000)
    ) { benchmark in
        let fixture = SweepFixtures.shared.fiveThousand
        measure(benchmark) { fixture.tick() }
    }

    // Fan-out: one sample = one publication delivered to 10,000 subscribers on one loop. The
    // fixture (10,000 subscriptions, outputs, two rankings) is built once and shared by the
    // samples; each sample's malloc count is exact (scaling .one).
    let fanOutConfiguration = Benchmark.Configuration(
        metrics: coachingMetrics, warmupIterations: 3, scalingFactor: .one,
        maxDuration: .seconds(3), maxIterations: 1_000)

    // Serialize once: the top 50 of a 10,000-member board as JSON, framed (SharedFrame).
    Benchmark("fan-out: encode leaderboard event once (top 50 → SharedFrame)", configuration: fanOutConfiguration) { benchmark in
        let ranking = FanOutFixture.shared.rankings.0
        measure(benchmark) {
            blackHole(FanOut.frame(ranking))
        }
    }

    // A channel event without a ranking (team channels): one memcpy per subscriber.
    Benchmark("fan-out: shared 2.5 KB frame to 10,000 subscribers", configuration: fanOutConfiguration) { benchmark in
        let fixture = FanOutFixture.shared
        let event = fixture.sharedOnly
        var written = 0
        measure(benchmark) {
            written = fixture.fanOut.publish(event)
        }
        precondition(written == FanOut.subscribers, "fan-out: \(written) frames written")
    }

    // A leaderboard event as the owner publishes it (top changed, ranking attached) when
    // nobody's own rank moved since the last publication: the shared frame plus one own-rank
    // lookup per subscriber (the usual case between two publications a second apart).
    Benchmark("fan-out: leaderboard event to 10,000 subscribers, own ranks unchanged", configuration: fanOutConfiguration) { benchmark in
        let fixture = FanOutFixture.shared
        let event = fixture.ranked.0
        _ = fixture.fanOut.publish(event)  // afterwards, every subscriber's last own rank is this one
        var written = 0
        measure(benchmark) {
            written = fixture.fanOut.publish(event)
        }
        precondition(written == FanOut.subscribers, "fan-out: \(written) frames written")
    }

    // The worst case: every subscriber's own rank changed, so each gets its own place too
    // (since c02b49c spliced into a copy of the shared payload: one frame per subscriber;
    // before, a second own-rank frame: two per subscriber).
    Benchmark("fan-out: leaderboard event to 10,000 subscribers, every own rank changed", configuration: fanOutConfiguration) { benchmark in
        let fixture = FanOutFixture.shared
        _ = fixture.fanOut.publish(fixture.ranked.1)
        var written = 0
        measure(benchmark) {
            written = fixture.fanOut.publish(fixture.ranked.0)
        }
        precondition(written >= FanOut.subscribers, "fan-out: \(written) frames written")
    }
}

/// One leaderboard of `members` users (totals spread over 0–8 h) and a generator of score
/// changes: a random member gains or loses `maxDeltaMs` at most, so the totals stay spread
/// the same way however many changes run.
final class ScoreChanges {
    var index = RankIndex()
    let members: Int
    let maxDeltaMs: UInt64
    /// `u-<n>` by member number (for the user-id path).
    let userIds: [String]
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    init(members: Int, maxDeltaMs: UInt64) {
        self.members = members
        self.maxDeltaMs = maxDeltaMs
        userIds = (0..<members).map { "u-\($0)" }
        for member in 0..<members {
            index.addUnsorted(userId: userIds[member], name: "dev\(member)", deltaMs: Int64(member * 28_800_000 / members), visible: true)
        }
        index.sortRows()
        // Give every member its ordinal on the board (the book does this on a user's first score).
        for member in 0..<members {
            index.add(ordinal: UInt32(member), userId: userIds[member], name: "dev\(member)", deltaMs: 0, visible: true)
        }
    }

    /// xorshift64*: cheap and allocation-free.
    private func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// One score change through the book's path (ordinal).
    func changeByOrdinal() {
        let random = next()
        let member = Int(random % UInt64(members))
        let magnitude = Int64((random >> 20) % maxDeltaMs) + 1
        let delta = random & (1 << 63) == 0 ? magnitude : -magnitude
        blackHole(index.add(ordinal: UInt32(member), userId: userIds[member], name: "", deltaMs: delta, visible: true))
    }
}

/// The fan-out state, built once per process and reused by every sample.
final class FanOutFixture {
    /// Benchmarks run one at a time on one thread; the fixture is only touched there.
    nonisolated(unsafe) static let shared = FanOutFixture()

    var fanOut = FanOut()
    let rankings: (RankIndex, RankIndex)
    /// Shared frame only (no ranking).
    let sharedOnly: ChannelEvent
    /// The two leaderboard events, whose own ranks all differ.
    let ranked: (ChannelEvent, ChannelEvent)

    private init() {
        rankings = fanOut.rankings
        sharedOnly = ChannelEvent(key: FanOut.key, frame: FanOut.frame(rankings.0))
        ranked = (
            ChannelEvent(key: FanOut.key, frame: FanOut.frame(rankings.0), ownRanks: rankings.0.ownRankTable()),
            ChannelEvent(key: FanOut.key, frame: FanOut.frame(rankings.1), ownRanks: rankings.1.ownRankTable())
        )
    }
}

/// Leaderboards of the score-change benchmarks, one per (size, delta), built on first use.
final class ScoreBoards {
    /// Benchmarks run one at a time on one thread; the boards are only touched there.
    nonisolated(unsafe) static let shared = ScoreBoards()
    private var boards: [String: ScoreChanges] = [:]

    func board(members: Int, maxDeltaMs: UInt64) -> ScoreChanges {
        let key = "\(members)/\(maxDeltaMs)"
        if let board = boards[key] { return board }
        let board = ScoreChanges(members: members, maxDeltaMs: maxDeltaMs)
        boards[key] = board
        return board
    }
}

/// The sweep fixture, built once per process.
final class SweepFixtures {
    /// Benchmarks run one at a time on one thread; the fixture is only touched there.
    nonisolated(unsafe) static let shared = SweepFixtures()
    lazy var fiveThousand = SweepFixture(sessions: 5_000)
}
