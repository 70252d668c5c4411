// The zero-allocation check of the hot path, as a small release executable over the pure
// modules and LoopKit (a release build of it takes a fraction of the whole package's):
//
//   1. the codec: decode an `activity` (64 intervals), encode its `flow` answer;
//   2. the coaching round trip: `CoachingShard.receivedText` for an `activity` of a live
//      session — rate limit, seq checks, detection, accounting, `flow` encoded and handed
//      to the shell — through a shell that copies nothing;
//   3. the opening handshake (parse the request head from one read, validate, accept, write
//      the 101): not a steady-state path, so it has a budget per handshake instead of 0;
//   4. the transport echo (what `/echo` does per message): a server `WebSocketEndpoint`
//      decodes a masked 64-byte text frame in place and frames the answer, with the frame
//      whole in one read and split across two (the endpoint's storage is reused);
//   5. the leaderboard owner's score delta (`LeaderboardBook.apply(.score)`) at the `steady`
//      profile's scale, 2,000 members (LeaderboardScoreDeltas.swift).
//
// `flowcoach-alloc-check endpoint-echo ROUNDS [SPLIT_AT]` runs only check 4's loop, ROUNDS
// times (the frame whole, or split after SPLIT_AT bytes), and counts nothing: a fixed workload for `valgrind --tool=callgrind` (instructions per
// message = the difference of two round counts ÷ their difference).
// `flowcoach-alloc-check endpoint-echo-batch ROUNDS` is the `/echo` route's read instead:
// 16 such frames in one read through `echoMessages` (instructions per message = the
// difference ÷ 16 × the round difference).
// `flowcoach-alloc-check coaching-round-trip ROUNDS` runs check 2's round trip after its
// warm-up, ROUNDS times, inside `coachingRoundTrips` (count that function alone: its
// payloads are built outside it).
// `flowcoach-alloc-check leaderboard-score-delta ROUNDS` applies check 5's deltas after its
// warm-up, ROUNDS times, inside `applyStream`.
// `flowcoach-alloc-check tls-round-trip CERT KEY ROUNDS` runs the server's TLS work per
// message (TLSRoundTripCheck.swift), inside `serverTurn`. scripts/check-instructions.sh
// guards the four counts in CI.
//
// Run under the malloc-counting interposer (scripts/check-allocations.sh). Each check warms
// up, then counts the allocations of the measuring thread over many rounds and prints
// "<check>: N allocations in R rounds". Exit status 1 when a count is not 0, 2 when the
// counter is missing although FLOWCOACH_REQUIRE_MALLOC_COUNTER is set.
//
// Break reminders are switched off: they are rare events (one per 25 minutes of work),
// not the steady state this checks.
import CoachingCore
import FlowEngine
import Glibc
import WSProtocol

/// The interposer's per-thread counter, when it is preloaded.
let threadCount: (@convention(c) () -> UInt64)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "fe_malloc_thread_count") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) () -> UInt64).self)
}()

/// A shell that carries out nothing and copies nothing.
final class CountingShell: CoachingShell {
    var sentBytes = 0
    func perform(_ action: CoachingAction) {
        if case .send(_, let payload) = action { sentBytes &+= payload.count }
    }
    /// As the event loop does: sends do not go through ``perform(_:)``.
    func send(_ connection: ConnectionID, _ payload: UnsafeRawBufferPointer) {
        sentBytes &+= payload.count
    }
    func enqueue(_ record: PersistenceRecord) -> Bool { true }
    func submit(_ job: StoreJob) -> Bool { true }
    func latestSnapshot(for key: ChannelKey) -> ChannelEvent? { nil }
}

let rounds = 10_000
let warmUp = 1_000
let dayMs: Int64 = 86_400_000
// 01:00 UTC of a fixed day: every window of the run falls on the same local day (a new day
// allocates its tally once, by design).
let startMs = 20_400 * dayMs + 3_600_000
let windowMs: Int64 = 4_000
let session = "6f1c2a3e-8d4b-4f7a-9b2e-1c0d5e6f7a8b"
let intervals = "[" + (0..<64).map { String(110 + ($0 * 37) % 90) }.joined(separator: ",") + "]"

func payload(seq: Int) -> [UInt8] {
    let atMs = startMs + Int64(seq) * windowMs
    return Array("""
        {"type":"activity","id":"a\(seq % 10)","session":"\(session)","seq":\(seq),"at_ms":\(atMs),\
        "window_ms":\(windowMs),"keystrokes":64,"keystroke_intervals":\(intervals),"context_switches":0,\
        "error_events":0,"focus_ms":\(windowMs),"files_modified":1,"lines_added":3,"lines_deleted":1,"language":"swift"}
        """.utf8)
}

/// This thread's CPU time.
func threadCPUNanoseconds() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
}

/// Counts the allocations of `body` over `rounds` calls after `warmUp` calls; passes when
/// they are at most `budget` per call.
func measure(_ name: String, budget: UInt64 = 0, _ body: (Int) -> Void) -> Bool {
    for round in 0..<warmUp { body(round) }
    guard let threadCount else {
        print("\(name): the malloc counter is not loaded")
        return false
    }
    let before = threadCount()
    let cpuBefore = threadCPUNanoseconds()
    for round in warmUp..<(warmUp + rounds) { body(round) }
    let cpuNs = threadCPUNanoseconds() - cpuBefore
    let allocations = threadCount() - before
    // CPU time is informative only (the interposer adds to it; the machine may be loaded).
    let microseconds = Double(cpuNs) / Double(rounds) / 1_000
    print("\(name): \(allocations) allocations in \(rounds) rounds (budget \(budget) per round); \(microseconds) µs CPU per round")
    return allocations <= budget * UInt64(rounds)
}

/// One `/echo` round trip through a server endpoint: `frame` is copied into `readBuffer`
/// (the endpoint unmasks in place) and fed whole, or in two reads split at `split`.
struct EndpointEcho: ~Copyable {
    var endpoint = WebSocketEndpoint(role: .server)
    var output = ByteWriter(capacity: 4096)
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    let frame: [UInt8] = {
        var writer = ByteWriter()
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 64)
        FrameEncoder.writeFrame(opcode: .text, payload: message, mask: MaskingKey(1, 2, 3, 4), into: &writer)
        return writer.readableBytes
    }()

    deinit { readBuffer.deallocate() }

    /// Returns the bytes of the echoed frame.
    mutating func roundTrip(split: Int?) -> Int {
        frame.withUnsafeBytes { readBuffer.copyMemory(from: $0) }
        let cut = split ?? frame.count
        feed(UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<cut]))
        if cut < frame.count { feed(UnsafeMutableRawBufferPointer(rebasing: readBuffer[cut..<frame.count])) }
        let written = output.readableCount
        output.consume(written)
        return written
    }

    private mutating func feed(_ bytes: UnsafeMutableRawBufferPointer) {
        var consumed = 0
        while true {
            switch endpoint.nextEvent(from: bytes, consumed: &consumed, output: &output) {
            case .needMoreData:
                return
            case .text(let payload):
                endpoint.send(.text, payload: payload, into: &output)
            default:
                print("error: the echo endpoint produced an unexpected event")
                exit(1)
            }
        }
    }
}

/// The `/echo` route's read: `frames` masked 64-byte text frames in one read, echoed by
/// `WebSocketEndpoint.echoMessages` into the output, which is then emptied as a flush does.
struct EndpointEchoBatch: ~Copyable {
    var endpoint = WebSocketEndpoint(role: .server)
    var output = ByteWriter(capacity: 4096)
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    let batch: [UInt8]

    init(frames: Int) {
        var writer = ByteWriter()
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 64)
        for _ in 0..<frames {
            FrameEncoder.writeFrame(opcode: .text, payload: message, mask: MaskingKey(1, 2, 3, 4), into: &writer)
        }
        batch = writer.readableBytes
    }

    deinit { readBuffer.deallocate() }

    /// Returns the number of messages echoed.
    mutating func read() -> Int {
        batch.withUnsafeBytes { readBuffer.copyMemory(from: $0) }
        let bytes = UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<batch.count])
        var consumed = 0
        var echoed = 0
        guard case .needMoreData = endpoint.echoMessages(from: bytes, consumed: &consumed, output: &output, echoed: &echoed) else {
            print("error: the echo endpoint produced an unexpected event")
            exit(1)
        }
        output.consume(output.readableCount)
        return echoed
    }
}

if CommandLine.arguments.count >= 5, CommandLine.arguments[1] == "tls-round-trip", let count = Int(CommandLine.arguments[4]) {
    runTLSRoundTrips(certificate: CommandLine.arguments[2], key: CommandLine.arguments[3], count: count)
    exit(0)
}

if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "endpoint-echo-batch", let count = Int(CommandLine.arguments[2]) {
    var echo = EndpointEchoBatch(frames: 16)
    var messages = 0
    for _ in 0..<count { messages &+= echo.read() }
    print("endpoint-echo-batch: \(count) reads, \(messages) messages echoed")
    exit(0)
}

if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "endpoint-echo", let count = Int(CommandLine.arguments[2]) {
    let split = CommandLine.arguments.count > 3 ? Int(CommandLine.arguments[3]) : nil
    var echo = EndpointEcho()
    var bytes = 0
    for _ in 0..<count { bytes &+= echo.roundTrip(split: split) }
    print("endpoint-echo: \(count) round trips, \(bytes) bytes echoed")
    exit(0)
}

// Payloads are built before anything is counted.
let payloads = (1...(warmUp + rounds)).map(payload(seq:))

// 2. The coaching round trip through a shard.
var settings = CoachingSettings()
settings.messagesPerSecond = 1_000_000
settings.messageBurst = 1_000_000
var flow = FlowEngineConfiguration.standard
flow.breaks.microAfter = .hours(10_000)
flow.breaks.restAfter = .hours(10_000)
flow.breaks.hardCap = .hours(10_000)
flow.breaks.dailyLimit = .hours(10_000)
let shell = CountingShell()
let shard = CoachingShard(configuration: CoachingShard.Configuration(settings: settings, flow: flow), shell: shell, stats: LoopStats())
var time = CoachingTime(monotonicMs: 1_000, wallMs: startMs)
let user = AuthenticatedUser(
    user: User(id: "00000000-0000-4000-8000-000000000001", name: "ada", displayName: "Ada", timeZone: "UTC", createdAtMs: 0),
    scope: .ingest, tokenId: "t", profile: UserProfile(privacy: .defaults, memberships: [], baseline: nil, recentDays: []))
let connection = shard.opened(id: 1, bearerToken: nil, at: time)
Array(#"{"type":"hello","token":"t"}"#.utf8).withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
shard.tokenChecked(connection, outcome: .valid(user), at: time)
let start = Array(#"{"type":"session.start","session":"\#(session)","at_ms":\#(startMs)}"#.utf8)
start.withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
guard let sessionID = SessionID(session) else { fatalError("the fixed session id parses") }
shard.sessionLookedUp(connection, request: SessionStartRequest(session: sessionID, project: nil, language: "swift", atMs: startMs, ref: nil),
                      outcome: .notFound, at: time)
/// `count` coaching round trips (payloads built beforehand) in a function of its own, so that
/// callgrind counts exactly them (`--toggle-collect='*coachingRoundTrips*'`).
@MainActor @inline(never)
func coachingRoundTrips(_ payloads: [[UInt8]], from first: Int, count: Int) {
    for round in first..<(first + count) {
        time.monotonicMs += windowMs
        time.wallMs += windowMs
        payloads[round].withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
    }
}

if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "coaching-round-trip", let count = Int(CommandLine.arguments[2]) {
    // The checks' warm-up first (the session's first windows, the interner, the buffers'
    // growth), then the counted round trips: their payloads are built before either.
    let all = (1...(warmUp + count)).map(payload(seq:))
    coachingRoundTrips(all, from: 0, count: warmUp)
    coachingRoundTrips(all, from: warmUp, count: count)
    guard shell.sentBytes > 0 else {
        print("error: the round trips produced no output (the session did not start?)")
        exit(1)
    }
    print("coaching-round-trip: \(count) round trips, \(shell.sentBytes) bytes sent")
    exit(0)
}

if CommandLine.arguments.count >= 3, CommandLine.arguments[1] == "leaderboard-score-delta", let count = Int(CommandLine.arguments[2]) {
    var deltas = LeaderboardScoreDeltas()
    let before = deltas.firstUserDayCodingMs()
    deltas.applyStream(count: count)
    guard count < deltas.sessions.count || deltas.firstUserDayCodingMs() > before else {
        print("error: the score deltas did not reach the boards")
        exit(1)
    }
    print("leaderboard-score-delta: \(count) deltas over \(LeaderboardScoreDeltas.members) members")
    exit(0)
}

// 1. The codec.
var decoder = InboundDecoder()
var encoder = OutboundEncoder()
var sink = 0
let codecClean = measure("Codec") { round in
    payloads[round].withUnsafeBytes { raw in
        guard case .message(.activity(let id), let ref) = decoder.decode(raw, nowMs: startMs + dayMs / 2) else { return }
        var assessment = FlowAssessment.initial()
        assessment.seq = decoder.window.seq
        encoder.flow(session: id, assessment: assessment, ref: ref)
        encoder.withUnsafeBytes { sink &+= $0.count }
    }
}

let shardClean = measure("CoachingShardRoundTrip") { round in
    time.monotonicMs += windowMs
    time.wallMs += windowMs
    payloads[round].withUnsafeBytes { shard.receivedText(connection, $0, at: time) }
}
// 3. The opening handshake, as wsload and the soak client send it and as a browser does
// (more headers, an extension offer; no extension negotiated here: permessage-deflate is
// the shell's, with its zlib state).
let handshakeBudget: UInt64 = 10
let minimalRequest = Array((
    "GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8)
let browserRequest = Array((
    "GET /v1/ws?token=abc HTTP/1.1\r\nHost: localhost:8080\r\nConnection: Upgrade\r\n"
    + "Pragma: no-cache\r\nCache-Control: no-cache\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\n"
    + "Upgrade: websocket\r\nOrigin: http://localhost:8080\r\nSec-WebSocket-Version: 13\r\n"
    + "Accept-Encoding: gzip, deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\n"
    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    + "Sec-WebSocket-Protocol: flowcoach.v1\r\n\r\n").utf8)
let handshakePolicy = HandshakePolicy(subprotocols: ["flowcoach.v1"], rejectUnknownSubprotocols: true)
var handshakeOutput = ByteWriter(capacity: 4096)
/// One handshake; returns the bytes of the 101.
func handshake(_ request: [UInt8], policy: HandshakePolicy, into output: inout ByteWriter) -> Int {
    var parser = HTTPRequestParser()
    let result = request.withUnsafeBytes { parser.parse($0) }
    guard case .complete(let head, _) = result, case .accept(let response) = Handshake.accept(head, policy: policy) else {
        print("error: the handshake was refused")
        exit(1)
    }
    response.write(into: &output)
    let written = output.readableCount
    output.consume(written)
    return written
}
let minimalHandshakeClean = measure("HandshakeMinimal", budget: handshakeBudget) { _ in
    sink &+= handshake(minimalRequest, policy: handshakePolicy, into: &handshakeOutput)
}
let browserHandshakeClean = measure("HandshakeBrowser", budget: handshakeBudget) { _ in
    sink &+= handshake(browserRequest, policy: handshakePolicy, into: &handshakeOutput)
}

// 4. The transport echo, whole and split across two reads.
var endpointEcho = EndpointEcho()
let echoWholeClean = measure("EndpointEchoWhole") { _ in sink &+= endpointEcho.roundTrip(split: nil) }
let echoSplitClean = measure("EndpointEchoSplit") { _ in sink &+= endpointEcho.roundTrip(split: 40) }

// 5. The leaderboard owner's score delta (one delta per round, the stream cycling).
var scoreDeltas = LeaderboardScoreDeltas()
let dayMsBefore = scoreDeltas.firstUserDayCodingMs()
let scoreDeltaClean = measure("LeaderboardScoreDelta") { _ in scoreDeltas.applyStream(count: 1) }
guard scoreDeltas.firstUserDayCodingMs() > dayMsBefore else {
    print("error: the score deltas did not reach the boards")
    exit(1)
}

guard shell.sentBytes > 0, sink > 0 else {
    print("error: the checks produced no output (the session did not start?)")
    exit(1)
}
if threadCount == nil, getenv("FLOWCOACH_REQUIRE_MALLOC_COUNTER") != nil { exit(2) }
exit(codecClean && shardClean && minimalHandshakeClean && browserHandshakeClean && echoWholeClean && echoSplitClean && scoreDeltaClean ? 0 : 1)
