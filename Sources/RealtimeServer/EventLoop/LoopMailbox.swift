import CLinux
import CoachingCore
import Glibc
import Synchronization

/// Work sent to an event loop from another thread.
enum LoopMessage: Sendable {
    /// Graceful shutdown: stop accepting, close WebSockets with 1001, drain until `deadlineMs`.
    case shutdown(deadlineMs: Int64)
    /// An authenticated connection moving to its user's home loop.
    case adopt(ConnectionTransfer)
    /// The reader's answer to a token check for the connection `token` of this loop.
    case authenticated(token: UInt64, outcome: AuthOutcome)
    /// The reader's answer to a stored-session look-up (resume after a restart).
    case sessionLookup(token: UInt64, request: SessionStartRequest, outcome: SessionLookupOutcome)
    /// The writer committed checkpoints of sessions owned by this loop.
    case durable([DurableAck])
    /// A channel event from the leaderboard owner, for this loop's subscribers.
    case publish(ChannelEvent)
    /// An HTTP API answer computed by the reader for connection `token`.
    case httpResponse(token: UInt64, response: HTTPAnswer)
    /// The user's data was purged: forget their live state and subscriptions at once.
    case purgeUser(userId: String)
}

/// Multi-producer queue plus an eventfd that wakes the loop's `epoll_wait`.
///
/// Producers append under a mutex and write the eventfd only when the queue was empty, so a
/// burst of messages costs one wake-up. The loop swaps the whole queue out in one step.
final class LoopMailbox: Sendable {
    let eventFD: Int32
    private let queue = Mutex<[LoopMessage]>([])

    init() throws(SocketError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw SocketError(call: "eventfd", errno: errno) }
        eventFD = fd
    }

    deinit { close(eventFD) }

    /// Enqueues `message` and wakes the loop if it may be sleeping.
    func post(_ message: LoopMessage) {
        let wasEmpty = queue.withLock { queue in
            queue.append(message)
            return queue.count == 1
        }
        if wasEmpty {
            var one: UInt64 = 1
            _ = write(eventFD, &one, 8)
        }
    }

    /// Called by the loop when the eventfd is readable: resets it and returns the messages.
    func drain() -> [LoopMessage] {
        var value: UInt64 = 0
        _ = read(eventFD, &value, 8)
        return queue.withLock { queue in
            let messages = queue
            queue.removeAll(keepingCapacity: true)
            return messages
        }
    }
}
