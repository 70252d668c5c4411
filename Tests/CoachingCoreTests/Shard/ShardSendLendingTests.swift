import Testing
@testable import CoachingCore

/// The shard lends the shell the encoder's bytes for each send without a run-time
/// exclusivity check; the bytes lent must stay what was sent even if the shell, against
/// `CoachingShell`'s contract, encodes again while it holds them.
struct ShardSendLendingTests {
    /// A shell that encodes a long message into the shard's encoder from inside `perform`.
    final class EncodingShell: CoachingShell {
        weak var shard: CoachingShard?
        var before: [[UInt8]] = []
        var after: [[UInt8]] = []

        func perform(_ action: CoachingAction) {
            guard case .send(_, let payload) = action else { return }
            before.append(Array(payload))
            // Longer than the encoder's buffer: an overwrite in place would also reallocate.
            shard?.encoder.error(AppError(.invalidField, String(repeating: "x", count: 4_000)))
            after.append(Array(payload))
        }

        func enqueue(_ record: PersistenceRecord) -> Bool { true }
        func submit(_ job: StoreJob) -> Bool { true }
        func latestSnapshot(for key: ChannelKey) -> ChannelEvent? { nil }
    }

    @Test("an encode inside the shell's send leaves the bytes being sent as they were")
    func reentrantEncodeDoesNotTouchLentBytes() {
        let shell = EncodingShell()
        let shard = CoachingShard(
            configuration: CoachingShard.Configuration(settings: CoachingSettings()), shell: shell, stats: LoopStats())
        shell.shard = shard
        let connection = shard.opened(id: 1, bearerToken: nil, at: CoachingTime(monotonicMs: 1_000, wallMs: 1_795_000_000_000))
        for _ in 0..<3 {
            shard.encoder.pong()
            shard.sendEncoded(connection)
        }
        #expect(shell.before.count == 3)
        #expect(shell.after == shell.before)
        #expect(shell.before.allSatisfy { String(decoding: $0, as: UTF8.self) == #"{"type":"pong"}"# })
    }
}
