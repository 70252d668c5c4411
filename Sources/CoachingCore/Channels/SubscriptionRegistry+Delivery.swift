/// Fan-out and the slow-reader contract: "latest snapshot, never a backlog".
///
/// ### Contract with the loop
/// - `isBackedUp(token)` is true while the connection has output the kernel has not taken
///   (its pending output is non-empty, i.e. EPOLLOUT is armed). The loop answers it from
///   its own state; the registry never sees sockets.
/// - For a connection that is not backed up and holds nothing, the frame's bytes (the
///   connection's shared deflate variant, if any) are handed to `write` at once; the loop
///   appends them to that connection's output and flushes (STYLE.md example 8). The bytes
///   are only valid during the call. Own-rank frames are encoded into a reused scratch
///   buffer: the common path allocates nothing.
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
        _ event: ChannelEvent, isBackedUp: (UInt64) -> Bool, write: (UInt64, UnsafeRawBufferPointer) -> Void
    ) -> Int {
        guard var subscribers = channels.removeValue(forKey: event.key) else { return 0 }
        defer { channels[event.key] = subscribers }
        var written = 0
        if event.ownRanks == nil && connectionsWithPending.isEmpty {
            // The common case: one shared frame, nobody held back.
            guard event.topChanged else { return 0 }
            for subscriber in subscribers {
                let frame = event.frame.frame(for: subscriber.deflateVariant)
                if isBackedUp(subscriber.token) {
                    hold(frame, key: event.key, isOwnRank: false, for: subscriber.token)
                } else {
                    frame.bytes.withUnsafeBytes { write(subscriber.token, $0) }
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
    /// `asSnapshot` (use right after ``subscribe(_:userId:to:deflateVariant:)``, with the
    /// latest event of that channel), otherwise what changed. Returns the number of frames
    /// written; 0 when `token` is not subscribed to `event.key`.
    @discardableResult
    public mutating func deliver(
        _ event: ChannelEvent, to token: UInt64, isBackedUp: Bool, asSnapshot: Bool = false,
        write: (UnsafeRawBufferPointer) -> Void
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

    /// One event per subscriber and publication (PROTOCOL.md: at most one event a second
    /// per channel): the shared frame when the subscriber's own rank did not change (and the
    /// top did, or this is the snapshot); otherwise the shared payload with the subscriber's
    /// `own` spliced in before its last two bytes — a memcpy and a few digits, never a
    /// per-subscriber encoding of the board.
    private mutating func deliver(
        _ event: ChannelEvent, to subscriber: inout Subscriber, isBackedUp: Bool, asSnapshot: Bool,
        write: (UnsafeRawBufferPointer) -> Void
    ) -> Int {
        let token = subscriber.token
        let direct = !isBackedUp && !connectionsWithPending.contains(token)
        var ownChanged: OwnRank?
        if let rank = event.ownRank(of: subscriber.userId), rank != subscriber.lastOwnRank || asSnapshot {
            ownChanged = rank
        }
        guard let rank = ownChanged else {
            guard event.topChanged || asSnapshot else { return 0 }
            let frame = event.frame.frame(for: subscriber.deflateVariant)
            if direct {
                frame.bytes.withUnsafeBytes(write)
                return 1
            }
            return offer(frame, key: event.key, isOwnRank: false, to: token, isBackedUp: isBackedUp, write: write)
        }
        subscriber.lastOwnRank = rank
        let range = event.encodeCombinedFrame(rank, into: &scratch)
        if direct {
            scratch.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[range])) }
            return 1
        }
        let frame = SharedFrame(frameBytes: Array(scratch[range]), payloadCount: range.count - Self.headerLength(of: scratch[range]))
        return offer(frame, key: event.key, isOwnRank: false, to: token, isBackedUp: isBackedUp, write: write)
    }

    /// Length of the RFC 6455 header of an unmasked server frame starting at `frame`.
    private static func headerLength(of frame: ArraySlice<UInt8>) -> Int {
        let length = frame[frame.startIndex + 1] & 0x7F
        return length == 126 ? 4 : length == 127 ? 10 : 2
    }

    /// Holds `frame` while the connection is backed up; if it is not (any more) but frames
    /// are held, releases them in order, this one included.
    private mutating func offer(
        _ frame: SharedFrame, key: ChannelKey, isOwnRank: Bool, to token: UInt64, isBackedUp: Bool,
        write: (UnsafeRawBufferPointer) -> Void
    ) -> Int {
        hold(frame, key: key, isOwnRank: isOwnRank, for: token)
        guard !isBackedUp else { return 0 }
        let frames = drained(token)
        for held in frames { held.bytes.withUnsafeBytes(write) }
        return frames.count
    }

    /// Keeps `frame` as the one pending frame of (`token`, `key`, part), replacing an
    /// older one in place.
    private mutating func hold(_ frame: SharedFrame, key: ChannelKey, isOwnRank: Bool, for token: UInt64) {
        guard var record = connections[token] else { return }
        if let index = record.pending.firstIndex(where: { $0.key == key && $0.isOwnRank == isOwnRank }) {
            record.pending[index].frame = frame
        } else {
            record.pending.append(PendingFrame(key: key, isOwnRank: isOwnRank, frame: frame))
        }
        connections[token] = record
        connectionsWithPending.insert(token)
    }
}
