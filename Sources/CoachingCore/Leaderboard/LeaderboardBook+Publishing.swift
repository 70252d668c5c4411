import WireJSON

/// Coalesced publication: at most once per `minPublishIntervalMs` per channel, and only for
/// channels whose data changed.
///
/// A `leaderboard:` channel whose rows beyond the top changed is published with
/// `topChanged == false` (own ranks only, see ``ChannelEvent``); a `team:` channel whose
/// top rows did not change is not published at all.
extension LeaderboardBook {
    /// The events due at `nowMs`. Channels still inside their interval stay marked and are
    /// published by a later call.
    public mutating func publish(nowMs: Int64) -> [ChannelEvent] {
        guard !dirty.isEmpty else { return [] }
        // Channels leave `dirty` below: no board may go on believing its channel is there.
        markEpoch += 1
        var events: [ChannelEvent] = []
        var writer = JSONWriter(capacity: 8192)
        for key in dirty {
            if let last = lastPublishedMs[key], nowMs - last < configuration.minPublishIntervalMs { continue }
            dirty.remove(key)
            guard let event = makeEvent(for: key, writer: &writer) else { continue }
            lastPublishedMs[key] = nowMs
            latest[key] = event
            events.append(event)
        }
        return events
    }

    /// The snapshot a new subscriber of `key` gets: the last published event, or the
    /// current (possibly empty) board when the channel was never published. `nil` for
    /// channels the leaderboards do not serve (`stats:me`).
    public func snapshot(for key: ChannelKey) -> ChannelEvent? {
        if let event = latest[key] { return event }
        var writer = JSONWriter(capacity: 1024)
        switch key {
        case .userStats:
            return nil
        case .leaderboard(let channel):
            let ranking = boards[channel.period][periods[channel.period]]?.ranking(channel) ?? RankIndex()
            LeaderboardEncoder.leaderboard(
                channel: channel, periodKey: periods[channel.period], ranking: ranking, topCount: configuration.topCount,
                into: &writer)
            return ChannelEvent(key: key, frame: SharedFrame(textPayload: writer.bytes), ownRanks: ranking.ownRankTable())
        case .team(let id):
            encodeTeam(id, into: &writer)
            return ChannelEvent(key: key, frame: SharedFrame(textPayload: writer.bytes))
        }
    }

    /// Channels with unpublished changes (tests, metrics).
    public var pendingChannels: Set<ChannelKey> { dirty }

    /// Encodes `key`'s current data; `nil` when there is nothing new to send.
    private func makeEvent(for key: ChannelKey, writer: inout JSONWriter) -> ChannelEvent? {
        let previous = latest[key]
        switch key {
        case .userStats:
            return nil
        case .leaderboard(let channel):
            let ranking = boards[channel.period][periods[channel.period]]?.ranking(channel) ?? RankIndex()
            LeaderboardEncoder.leaderboard(
                channel: channel, periodKey: periods[channel.period], ranking: ranking, topCount: configuration.topCount,
                into: &writer)
            if let previous, Self.sameBytes(previous.frame, writer) {
                return ChannelEvent(key: key, frame: previous.frame, topChanged: false, ownRanks: ranking.ownRankTable())
            }
            return ChannelEvent(key: key, frame: SharedFrame(textPayload: writer.bytes), ownRanks: ranking.ownRankTable())
        case .team(let id):
            encodeTeam(id, into: &writer)
            if let previous, Self.sameBytes(previous.frame, writer) { return nil }
            return ChannelEvent(key: key, frame: SharedFrame(textPayload: writer.bytes))
        }
    }

    private func encodeTeam(_ id: String, into writer: inout JSONWriter) {
        LeaderboardEncoder.team(
            id: id, periods: periods, boards: { period in boards[period][periods[period]]?.teams[id] },
            topCount: configuration.topCount, into: &writer)
    }

    /// Whether `frame` carries exactly the JSON in `writer`.
    private static func sameBytes(_ frame: SharedFrame, _ writer: JSONWriter) -> Bool {
        guard frame.payloadCount == writer.count else { return false }
        return frame.bytes.suffix(frame.payloadCount).elementsEqual(writer.bytes)
    }
}
