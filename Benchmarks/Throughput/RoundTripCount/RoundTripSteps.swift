import CoachingCore
import FlowEngine
import WSProtocol

/// The round trip as `f5ba33d`'s CoachingBenchmarks did it, before `CoachingShard`: decode
/// with an `InboundDecoder`, `UserCoach.ingest`, `OutboundEncoder.flow`, frame. No rate
/// limit, seq contract, day tallies or leaderboard time. The same file builds against
/// `f5ba33d` with `import RealtimeServer` for `import CoachingCore`, so both trees can be
/// counted like for like.
func runSteps(warmUp: Int, rounds: Int, hashing: Bool) -> FramedOutput {
    var fixture = ActivityFixture()
    var coach = UserCoach()
    var session = coach.startSession(atMs: ActivityFixture.firstAtMs - ActivityFixture.windowMs,
                                     project: "flowcoach", language: "swift", utcOffsetMs: ActivityFixture.utcOffsetMs)
    var decoder = InboundDecoder()
    var encoder = OutboundEncoder()
    var endpoint = WebSocketEndpoint()
    var output = ByteWriter(capacity: 4_096)
    var framed = FramedOutput(hashing: hashing)
    for round in 0..<(warmUp + rounds) {
        fixture.advance()
        let atMs = fixture.atMs
        let result = fixture.bytes.withUnsafeBytes { decoder.decode($0, nowMs: atMs) }
        guard case .message(.activity(let sessionID), let ref) = result else {
            fatalError("RoundTripCount: activity rejected: \(result)")
        }
        let update = coach.ingest(decoder.window, session: &session, utcOffsetMs: ActivityFixture.utcOffsetMs)
        encoder.flow(session: sessionID, assessment: update.flow, ref: ref)
        encoder.withUnsafeBytes { _ = endpoint.send(.text, payload: $0, into: &output) }
        var frames = 1
        if let reminder = update.breakReminder {
            encoder.breakReminder(reminder)
            encoder.withUnsafeBytes { _ = endpoint.send(.text, payload: $0, into: &output) }
            frames += 1
        }
        if round >= warmUp {
            framed.frames += frames
            output.withUnsafeReadableBytes { framed.add($0) }
        }
        output.consume(output.readableCount)
    }
    return framed
}
