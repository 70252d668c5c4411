import WireJSON

/// One publication on one channel, as handed to every loop: the shared frame everyone gets
/// plus, for leaderboards, the ranking each loop reads each subscriber's own rank from.
///
/// ### Why two parts
/// The frame cannot hold per-subscriber data if it is to be serialized once. So a
/// leaderboard publication carries:
/// 1. ``frame`` — `{"type":"event","channel":C,"data":{"period":P,"top":[{rank,name,value_ms}…],"ranked":N}}`,
///    encoded once, identical for every subscriber on every loop;
/// 2. ``ranking`` — an immutable copy (copy-on-write) of the board's ``RankIndex``. While
///    fanning out, the loop's ``SubscriptionRegistry`` looks up each subscriber's
///    ``OwnRank`` (O(log n)) and, only when it differs from the one last sent on that
///    subscription, sends a small private frame
///    `{"type":"event","channel":C,"data":{"own":{"rank":R,"value_ms":V,"visible":B}}}`.
///    Clients merge `own` into the board they show.
///
/// When only ranks below the top changed, the owner publishes with ``topChanged`` false:
/// loops then skip the shared frame for existing subscribers and send only changed own
/// ranks. The frame is still the current top (new subscribers get it as the snapshot).
///
/// Thread-safety: immutable `let`s of `Sendable` types.
public final class ChannelEvent: Sendable {
    /// The stream this event belongs to.
    public let key: ChannelKey
    /// The shared event frame (the whole snapshot for this channel).
    public let frame: SharedFrame
    /// False when the shared part is unchanged since the previous publication on `key`.
    public let topChanged: Bool
    /// The ranking for own-rank lookups (leaderboards only).
    public let ranking: RankIndex?

    public init(key: ChannelKey, frame: SharedFrame, topChanged: Bool = true, ranking: RankIndex? = nil) {
        self.key = key
        self.frame = frame
        self.topChanged = topChanged
        self.ranking = ranking
    }

    /// The own rank of `userId` on this board, if the event carries a ranking and the user
    /// is on it.
    public func ownRank(of userId: String) -> OwnRank? {
        ranking?.ownRank(of: userId)
    }

    /// Encodes the private own-rank frame for one subscriber (small; only sent on change).
    public func ownRankFrame(_ rank: OwnRank) -> SharedFrame {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.key("type"); writer.value("event")
        writer.key("channel"); writer.value(string: key.wireName)
        writer.key("data")
        writer.beginObject()
        writer.key("own")
        writer.beginObject()
        writer.key("rank"); writer.value(rank.rank)
        writer.key("value_ms"); writer.value(rank.valueMs)
        writer.key("visible"); writer.value(rank.visible)
        writer.endObject()
        writer.endObject()
        writer.endObject()
        return SharedFrame(textPayload: writer.bytes)
    }
}
