internal import CLinux
internal import Glibc

/// Multi-producer queue of `Message`s plus an eventfd that wakes a loop sleeping in `Epoll.wait`.
///
/// Producers append under a mutex and write the eventfd only when the queue was empty, so a
/// burst of messages costs one wake-up. The loop registers ``eventFD`` for `.read` and, when
/// it is readable, swaps the whole queue out in one step with ``drain()``.
public final class Mailbox<Message: Sendable>: Sendable {
    /// The eventfd to watch for `.read`; owned, closed in `deinit`.
    public let eventFD: Int32
    /// A pthread lock rather than `Synchronization.Mutex`: see ``ThreadLock``.
    private let queue = ThreadLock<[Message]>([])

    public init() throws(SocketError) {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard fd >= 0 else { throw SocketError(call: "eventfd", errno: errno) }
        eventFD = fd
    }

    deinit { close(eventFD) }

    /// Enqueues `message` and wakes the loop if it may be sleeping. Any thread.
    public func post(_ message: Message) {
        let wasEmpty = queue.withLock { queue in
            queue.append(message)
            return queue.count == 1
        }
        if wasEmpty {
            _ = flowcoach_eventfd_add(eventFD, 1)
        }
    }

    /// Called by the loop when the eventfd is readable: resets it and returns the messages
    /// in the order they were posted.
    public func drain() -> [Message] {
        _ = flowcoach_eventfd_take(eventFD)
        return queue.withLock { queue in
            let messages = queue
            // Room for as many messages as this drain took, not the most ever queued, so a
            // burst (a connection storm) does not stay resident.
            queue = []
            queue.reserveCapacity(messages.count)
            return messages
        }
    }
}
