/// Fan-out and the slow-reader contract: "latest snapshot, never a backlog".
///
/// ### Contract with the loop
/// - `isBackedUp(token)` is true while the connection has output the kernel has not taken
///   (its pending output is non-empty, i.e. EPOLLOUT is armed). The loop answers it from
///   its own state; the registry never sees sockets.
/// - For a connection that is not backed up and holds nothing, a frame is handed to
///   `write` at once; the loop appends `frame.bytes` to that connection's output and
///   flushes once per iteration (STYLE.md example 8).
/// - For a backed-up connection the frame is *held*: at most one frame per (connection,
///   channel) for the shared event and one for the private own-rank part. A newer frame
///   replaces the held one in place, so a stuck reader costs at most
///   2 × subscriptions references, never a queue. Nothing is copied: a held frame is a
///   `SharedFrame` reference.
/// - When the connection's output has drained (the EPOLLOUT path emptied it), the loop
///   calls ``drained(_:)`` and writes the frames returned, in order. If the loop delivers
///   to a connection that holds frames but is no longer backed up, the held frames are
///   written first, then the new one (order per channel is preserved either way).
/// - A reader that stays stuck is the loop's to close (bounded output + close code); call
///   ``disconnect(_:)`` then.
extension SubscriptionRegistry {
    /// Fans `event` out to every subscriber of `event.key` on this loop. Returns the number
    /// of frames handed to `write` (held frames are not counted).
    @discardableResult
    public mutating func publish(
        _ event: ChannelEvent, isBackedUp: (UInt64) -> Bool, write: (UInt64, SharedFrame) -> Void
    ) -> Int {
        guard var subscribers = channels.removeValue(forKey: event.key) else { return 0 }
        defer { channels[event.key] = subscribers }
        var written = 0
        let noneHeld = connectionsWithPending.isEmpty
        if event.ranking == nil && noneHeld {
            // The common case: one shared frame, nobody held back.
            guard event.topChanged else { return 0 }
            for subscriber in subscribers {
                if isBackedUp(subscriber.token) {
                    _ = offer(event.frame, key: event.key, isOwnRank: false, to: subscriber.token, isBackedUp: true) { _ in }
                } else {
                    write(subscriber.token, event.frame)
                    written += 1
                }
            }
            return written
        }
        for index in subscribers.indices {
            let token = subscribers[index].token
            written += deliver(event, to: &subscribers[index], isBackedUp: isBackedUp(token), asSnapshot: false) {
                write(token, $0)
            }
        }
        return written
    }

    /// Sends `event` to one subscriber of `event.key`: the whole snapshot when
    /// `asSnapshot` (use right after ``subscribe(_:userId:to:)``, with the latest event of
    /// that channel), otherwise what changed. Returns the number of frames written; 0 when
    /// `token` is not subscribed to `event.key`.
    @discardableResult
    public mutating func deliver(
        _ event: ChannelEvent, to token: UInt64, isBackedUp: Bool, asSnapshot: Bool = false,
        write: (SharedFrame) -> Void
    ) -> Int {
        guard let slot = connections[token]?.memberships.first(where: { $0.key == event.key })?.slot,
            var subscribers = channels.removeValue(forKey: event.key)
        else { return 0 }
        defer { channels[event.key] = subscribers }
        return deliver(event, to: &subscribers[slot], isBackedUp: isBackedUp, asSnapshot: asSnapshot, write: write)
    }

    /// The frames held for `token` while it was backed up, oldest first; the registry
    /// forgets them. Call when the connection's output has drained.
    public mutating func drained(_ token: UInt64) -> [SharedFrame] {
        guard connectionsWithPending.remove(token) != nil, var record = connections[token] else { return [] }
        let frames = record.pending.map(\.frame)
        record.pending.removeAll()
        connections[token] = record
        return frames
    }

    /// Whether frames are held for `token`.
    public func hasPending(_ token: UInt64) -> Bool { connectionsWithPending.contains(token) }

    /// Number of frames held for `token` (tests, metrics).
    public func pendingCount(of token: UInt64) -> Int { connections[token]?.pending.count ?? 0 }

    // MARK: Per subscriber

    /// The shared frame (if changed or a snapshot) and the own-rank frame (if changed), each
    /// written or held.
    private mutating func deliver(
        _ event: ChannelEvent, to subscriber: inout Subscriber, isBackedUp: Bool, asSnapshot: Bool,
        write: (SharedFrame) -> Void
    ) -> Int {
        var written = 0
        if event.topChanged || asSnapshot {
            written += offer(event.frame, key: event.key, isOwnRank: false, to: subscriber.token, isBackedUp: isBackedUp, write: write)
        }
        if event.ranking != nil {
            let rank = event.ownRank(of: subscriber.userId)
            if let rank, rank != subscriber.lastOwnRank || asSnapshot {
                subscriber.lastOwnRank = rank
                written += offer(
                    event.ownRankFrame(rank), key: event.key, isOwnRank: true, to: subscriber.token,
                    isBackedUp: isBackedUp, write: write)
            }
        }
        return written
    }

    /// Writes `frame` now, or holds it (replacing an older frame of the same channel and
    /// part) while the connection is backed up.
    private mutating func offer(
        _ frame: SharedFrame, key: ChannelKey, isOwnRank: Bool, to token: UInt64, isBackedUp: Bool,
        write: (SharedFrame) -> Void
    ) -> Int {
        let holding = connectionsWithPending.contains(token)
        guard isBackedUp || holding else {
            write(frame)
            return 1
        }
        guard var record = connections[token] else { return 0 }
        if let index = record.pending.firstIndex(where: { $0.key == key && $0.isOwnRank == isOwnRank }) {
            record.pending[index].frame = frame
        } else {
            record.pending.append(PendingFrame(key: key, isOwnRank: isOwnRank, frame: frame))
        }
        if isBackedUp {
            connections[token] = record
            connectionsWithPending.insert(token)
            return 0
        }
        // No longer backed up but frames were held: release them in order, this one included.
        let frames = record.pending.map(\.frame)
        record.pending.removeAll()
        connections[token] = record
        connectionsWithPending.remove(token)
        for held in frames { write(held) }
        return frames.count
    }
}
