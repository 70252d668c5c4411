public import WireJSON

/// The JSON of leaderboard and team events, written once per publication.
///
/// ```json
/// {"type":"event","channel":"leaderboard:day:flow_time","data":{"period":"2026-11-22",
///  "top":[{"rank":1,"name":"ada","value_ms":5400000}, …]}}
/// {"type":"event","channel":"team:<id>","data":{"periods":{"day":"2026-11-22","week":"2026-W47","month":"2026-11"},
///  "day":{"coding_time":[…],"flow_time":[…]},"week":{…},"month":{…}}}
/// ```
/// Only visible rows appear (opted-out users are not in a ranking's entries); own ranks
/// travel separately (see ``ChannelEvent``).
public enum LeaderboardEncoder {
    /// The shared payload of a `leaderboard:` channel.
    public static func leaderboard(
        channel: LeaderboardChannel, periodKey: String, ranking: RankIndex?, topCount: Int, into writer: inout JSONWriter
    ) {
        writer.reset()
        writer.beginObject()
        writer.key("type"); writer.value("event")
        writer.key("channel"); writer.value(string: channel.description)
        writer.key("data")
        writer.beginObject()
        writer.key("period"); writer.value(string: periodKey)
        writer.key("top")
        writeTop(ranking, count: topCount, into: &writer)
        writer.endObject()
        writer.endObject()
    }

    /// The shared payload of a `team:` channel: top rows of every period and metric, built
    /// only from members who consented.
    public static func team(
        id: String, periods: PeriodKeys, boards: (LeaderboardChannel.Period) -> BoardPair?, topCount: Int,
        into writer: inout JSONWriter
    ) {
        writer.reset()
        writer.beginObject()
        writer.key("type"); writer.value("event")
        writer.key("channel"); writer.value(string: "team:" + id)
        writer.key("data")
        writer.beginObject()
        writer.key("periods")
        writer.beginObject()
        for period in LeaderboardChannel.Period.allCases {
            writer.key(string: period.rawValue); writer.value(string: periods[period])
        }
        writer.endObject()
        for period in LeaderboardChannel.Period.allCases {
            let pair = boards(period)
            writer.key(string: period.rawValue)
            writer.beginObject()
            for metric in LeaderboardChannel.Metric.allCases {
                writer.key(string: metric.rawValue)
                writeTop(pair?[metric], count: topCount, into: &writer)
            }
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
    }

    /// `[{"rank":1,"name":"…","value_ms":…}, …]`; ties keep distinct consecutive ranks (the
    /// order is total, see ``RankIndex``).
    private static func writeTop(_ ranking: RankIndex?, count: Int, into writer: inout JSONWriter) {
        writer.beginArray()
        if let ranking {
            var rank = 0
            for entry in ranking.top(count) {
                rank += 1
                writer.beginObject()
                writer.key("rank"); writer.value(rank)
                writer.key("name"); writer.value(string: entry.name)
                writer.key("value_ms"); writer.value(entry.valueMs)
                writer.endObject()
            }
        }
        writer.endArray()
    }
}
