/// The subscriptions of one event loop: channel key → subscriber tokens, and each
/// connection's channels. Owned by the loop thread; no locks, no `Sendable`.
///
/// Tokens are the loop's connection tokens (`UInt64`, slot + generation). A channel's
/// subscribers sit in one contiguous array (fan-out is a linear walk); removal is
/// swap-with-last, O(1), with each connection remembering its slot in every channel.
///
/// ### The loop's calls
/// ```swift
/// // subscribe (after ChannelName parsing and ChannelSubscriber.access):
/// let added = try registry.subscribe(token, userId: user.id, to: key)   // throws(SubscriptionError)
/// if let snapshot = leaderboards.latest(key) { registry.sendSnapshot(snapshot, to: token, isBackedUp: …, write: …) }
/// registry.unsubscribe(token, from: key)          // unsubscribe
/// registry.disconnect(token)                      // the connection closed: drops everything
/// registry.publish(event, isBackedUp: { t in … }, write: { t, bytes in … })   // LoopMessage.publish
/// for frame in registry.drained(token) { … }      // the connection's output emptied
/// ```
/// Delivery and slow-reader coalescing are in `SubscriptionRegistry+Delivery.swift`.
public struct SubscriptionRegistry {
    /// Limits, from the server configuration.
    public struct Configuration: Sendable {
        /// Subscriptions one connection may hold at once (PROTOCOL.md bad-input limits).
        public var maxSubscriptionsPerConnection: Int

        public init(maxSubscriptionsPerConnection: Int = 32) {
            self.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection
        }
    }

    /// One subscriber in a channel's array: what fan-out needs without another lookup.
    public struct Subscriber {
        var token: UInt64
        var userId: String
        /// Shared permessage-deflate variant of the connection (see ``SharedFrame``).
        var deflateVariant: SharedFrame.DeflateVariant?
        /// The own rank last sent on this subscription (leaderboards), to send only changes.
        var lastOwnRank: OwnRank?
    }

    /// One of a connection's subscriptions and its index in the channel's array.
    public struct Membership {
        var key: ChannelKey
        var slot: Int
    }

    /// A frame held back for a backed-up connection; at most one per (channel, part).
    public struct PendingFrame {
        var key: ChannelKey
        var isOwnRank: Bool
        var frame: SharedFrame
    }

    /// Everything the registry knows about one connection.
    public struct ConnectionRecord {
        var memberships: [Membership] = []
        var pending: [PendingFrame] = []
    }

    public let configuration: Configuration
    public var channels: [ChannelKey: [Subscriber]] = [:]
    public var connections: [UInt64: ConnectionRecord] = [:]
    /// Connections with at least one pending frame (fan-out skips the record lookup when
    /// this is empty, which is the normal case).
    public var connectionsWithPending: Set<UInt64> = []
    /// Reused buffer for own-rank frames written straight to an output.
    public var scratch: [UInt8] = []

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Adds `token` (whose user is `userId`) to `key`. Returns false when it was already
    /// subscribed (nothing changes; the caller still answers `subscribed`). Pass the
    /// connection's `deflateVariant` when it negotiated permessage-deflate with
    /// `server_no_context_takeover`, so it receives shared compressed frames.
    ///
    /// - Throws: ``SubscriptionError/tooManySubscriptions(limit:)`` when the connection
    ///   holds `maxSubscriptionsPerConnection` channels already.
    @discardableResult
    public mutating func subscribe(
        _ token: UInt64, userId: String, to key: ChannelKey, deflateVariant: SharedFrame.DeflateVariant? = nil
    ) throws(SubscriptionError) -> Bool {
        var record = connections[token] ?? ConnectionRecord()
        if record.memberships.contains(where: { $0.key == key }) { return false }
        guard record.memberships.count < configuration.maxSubscriptionsPerConnection else {
            throw .tooManySubscriptions(limit: configuration.maxSubscriptionsPerConnection)
        }
        var subscribers = channels.removeValue(forKey: key) ?? []
        record.memberships.append(Membership(key: key, slot: subscribers.count))
        subscribers.append(Subscriber(token: token, userId: userId, deflateVariant: deflateVariant, lastOwnRank: nil))
        channels[key] = subscribers
        connections[token] = record
        return true
    }

    /// Removes `token` from `key` (and any frame held for it on that channel). Returns
    /// false when it was not subscribed.
    @discardableResult
    public mutating func unsubscribe(_ token: UInt64, from key: ChannelKey) -> Bool {
        guard var record = connections[token],
            let index = record.memberships.firstIndex(where: { $0.key == key })
        else { return false }
        let membership = record.memberships.remove(at: index)
        record.pending.removeAll { $0.key == key }
        if record.memberships.isEmpty && record.pending.isEmpty {
            connections[token] = nil
        } else {
            connections[token] = record
        }
        if record.pending.isEmpty { connectionsWithPending.remove(token) }
        removeSubscriber(at: membership.slot, of: key)
        return true
    }

    /// Forgets the connection: every subscription and every held frame. Call when the
    /// connection closes (before its token can be reused).
    public mutating func disconnect(_ token: UInt64) {
        guard let record = connections.removeValue(forKey: token) else { return }
        connectionsWithPending.remove(token)
        // A token appears once per channel, so removing it from one channel never moves its
        // entry in another: every remembered slot stays exact.
        for membership in record.memberships {
            removeSubscriber(at: membership.slot, of: membership.key)
        }
    }

    /// Calls `body` with every subscriber token of `key` on this loop.
    public func forEachSubscriber<E: Error>(of key: ChannelKey, _ body: (UInt64) throws(E) -> Void) throws(E) {
        guard let subscribers = channels[key] else { return }
        for subscriber in subscribers { try body(subscriber.token) }
    }

    /// Number of subscribers of `key` on this loop.
    public func subscriberCount(of key: ChannelKey) -> Int { channels[key]?.count ?? 0 }

    /// The channels `token` is subscribed to, in subscription order.
    public func channels(of token: UInt64) -> [ChannelKey] {
        connections[token]?.memberships.map(\.key) ?? []
    }

    /// Every channel with at least one subscriber on this loop.
    public var subscribedChannels: [ChannelKey] { Array(channels.keys) }

    /// Swap-removes the subscriber at `slot` of `key`, fixing the moved one's membership.
    private mutating func removeSubscriber(at slot: Int, of key: ChannelKey) {
        guard var subscribers = channels.removeValue(forKey: key), slot < subscribers.count else { return }
        let last = subscribers.removeLast()
        if slot < subscribers.count {
            subscribers[slot] = last
            if let index = connections[last.token]?.memberships.firstIndex(where: { $0.key == key }) {
                connections[last.token]?.memberships[index].slot = slot
            }
        }
        if !subscribers.isEmpty { channels[key] = subscribers }
    }
}
