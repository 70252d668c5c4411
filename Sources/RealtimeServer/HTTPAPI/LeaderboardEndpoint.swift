import CoachingCore
import WireJSON

/// `GET /v1/leaderboards/<day|week|month>/<coding_time|flow_time>[?language=swift]`: the
/// board's current snapshot, the same data a `leaderboard:` channel subscriber gets first
/// (``LeaderboardOwner/latest(for:)``), plus the caller's own rank. Users who opted out are
/// not in `top`; they still see their own rank (`visible: false`).
///
/// ```json
/// {"channel":"leaderboard:day:flow_time","period":"2026-11-22",
///  "top":[{"rank":1,"name":"ada","value_ms":5400000}],"own":{"rank":1,"value_ms":5400000,"visible":true}}
/// ```
enum LeaderboardEndpoint {
    static func respond(
        _ caller: APICaller, period: LeaderboardChannel.Period, metric: LeaderboardChannel.Metric, _ query: APIQuery,
        owner: LeaderboardOwner?
    ) throws(APIError) -> APIResponse {
        var language: String?
        if let text = query.string("language") {
            guard let canonical = LeaderboardChannel.canonicalLanguage(text) else {
                throw .invalidField(
                    name: "language",
                    problem: "1 to \(LeaderboardChannel.maxLanguageBytes) letters, digits or + # . _ - (e.g. swift, c%2B%2B)")
            }
            language = canonical
        }
        guard let owner else { throw .unavailable("leaderboards are not enabled on this server") }
        let board = LeaderboardChannel(period: period, metric: metric, language: language)
        guard let event = owner.latest(for: .leaderboard(board)) else {
            throw .internal("no snapshot for \(board)")
        }
        let own = event.ownRank(of: caller.user.id)

        // The snapshot frame's payload is {"type":"event","channel":C,"data":{…}}: its data
        // members are copied as they are, so the API and the channel can never disagree.
        let payload = event.frame.payload
        var parser = JSONParser()
        var json = JSONWriter(capacity: payload.count + 128)
        let copied: Bool = payload.withUnsafeBytes { raw in
            guard let document = try? parser.parseObject(raw), let data = try? document.object("data") else { return false }
            json.beginObject()
            json.key("channel"); json.value(string: board.description)
            for (name, member) in data where !name.equals("own") {
                json.key(name)
                json.value(member)
            }
            json.key("own")
            if let own {
                json.beginObject()
                json.key("rank"); json.value(own.rank)
                json.key("value_ms"); json.value(own.valueMs)
                json.key("visible"); json.value(own.visible)
                json.endObject()
            } else {
                json.null()
            }
            json.endObject()
            return true
        }
        guard copied else { throw .internal("the leaderboard snapshot could not be read") }
        return APIResponse(status: 200, json: json.bytes)
    }
}
