import CoachingCore
import Foundation
import Logging
import LoopKit
import Persistence
import Synchronization

/// Revocation reaches open connections: `flowcoach token revoke` writes the store from
/// another process (or node), and the loops never ask the store by themselves, so a timer
/// thread asks the store reader every `auth.revocation_check_ms` for tokens revoked since
/// the last look and posts them to every loop, whose shard closes their connections.
/// The same look brings goals changed since (`flowcoach goal set`, another node): the
/// user's home loop takes the new goal, and `stats:me` shows its progress.
///
/// The look-back keeps a minute of slack: a revocation stamped by a CLI whose clock lags
/// ours, or one that landed while a loop was still adopting the connection, is reported
/// again on the next looks (closing is idempotent).
final class RevocationWatch: Sendable {
    static let slackMs: Int64 = 60_000

    private let reader: StoreReader
    private let mailboxes: [LoopMailbox]
    private let logger: Logger
    /// Wall time (ms) of the last successful look; touched by reader-thread jobs only,
    /// which run one at a time.
    private let lastLookMs: Mutex<Int64>
    private let thread: PeriodicThread

    init(reader: StoreReader, mailboxes: [LoopMailbox], intervalMs: Int64, logger: Logger) {
        self.reader = reader
        self.mailboxes = mailboxes
        self.logger = logger
        lastLookMs = Mutex(WallClock.nowMs())
        thread = PeriodicThread(name: "flowcoach-revocations", intervalMs: intervalMs)
    }

    func start() {
        thread.start { [self] in _ = reader.submit { [self] store in look(in: store) } }
    }

    func stop() { thread.stop() }

    private func look(in store: any Store) {
        let startedMs = WallClock.nowMs()
        let sinceMs = lastLookMs.withLock { $0 } - Self.slackMs
        do {
            let revoked = try store.revokedTokenIds(sinceMs: sinceMs)
            let goals = try store.goalChanges(sinceMs: sinceMs)
            lastLookMs.withLock { $0 = startedMs }
            if !goals.isEmpty {
                for mailbox in mailboxes { mailbox.post(.goalsChanged(goals)) }
            }
            guard !revoked.isEmpty else { return }
            let ids = Set(revoked)
            for mailbox in mailboxes { mailbox.post(.tokensRevoked(ids)) }
        } catch {
            // Looked again next time from the same point: nothing revoked is skipped.
            logger.warning("could not look for revoked tokens", metadata: ["error": "\(error)"])
        }
    }
}
