import CoachingCore
import WSProtocol

/// The shard both shapes drive: the benchmark's settings, a ``FramingShell`` and the time,
/// with a way to open an authenticated connection carrying one live session.
struct BenchShard {
    let shell = FramingShell()
    let stats = LoopStats()
    let shard: CoachingShard
    var time = CoachingTime(monotonicMs: 1_000_000, wallMs: ActivityFixture.firstAtMs)

    init() {
        var settings = CoachingSettings()
        settings.maxSeqGap = .max  // the fixture's first seq is a 10-digit one
        shard = CoachingShard(
            configuration: CoachingShard.Configuration(settings: settings, utcOffsetMs: { _, _ in ActivityFixture.utcOffsetMs }),
            shell: shell, stats: stats)
    }

    /// A connection authenticated as `user` (hello, then the token's answer), with session
    /// `session` started on it (`session.start`, then the store's "not found"); the output
    /// so far is dropped.
    func openSession(_ session: SessionID, of user: User, connection id: ConnectionID, tokenId: String) -> CoachingConnection {
        let connection = shard.opened(id: id, bearerToken: nil, at: time)
        Array(#"{"type":"hello","token":"fc_i_bench_token"}"#.utf8).withUnsafeBytes {
            shard.receivedText(connection, $0, at: time)
        }
        shard.tokenChecked(connection, outcome: .valid(AuthenticatedUser(
            user: user, scope: .ingest, tokenId: tokenId,
            profile: UserProfile(privacy: .defaults, memberships: [], baseline: nil, recentDays: []))), at: time)
        shell.lookUp = nil
        Array((#"{"type":"session.start","session":"\#(session)","project":"flowcoach","#
            + #""language":"swift","at_ms":\#(ActivityFixture.firstAtMs - ActivityFixture.windowMs)}"#).utf8).withUnsafeBytes {
            shard.receivedText(connection, $0, at: time)
        }
        guard let request = shell.lookUp else { fatalError("RoundTripCount: session.start asked for no look-up") }
        shard.sessionLookedUp(connection, request: request, outcome: .notFound, at: time)
        shell.output.consume(shell.output.readableCount)
        return connection
    }
}
