import CoachingCore
import WireJSON

/// `GET /v1/sessions?from=YYYY-MM-DD&to=YYYY-MM-DD&limit=N&before=<cursor>`: the caller's
/// sessions that started in the local days `from`…`to` (both included, the user's time
/// zone), newest first, `limit` per page (default 50, at most 200). `next_cursor` is
/// passed back as `before` for the next page, and is null on the last page.
enum SessionHistoryEndpoint {
    static let defaultLimit = 50
    static let maxLimit = 200

    static func respond(_ caller: APICaller, _ query: APIQuery, store: any Store) throws(APIError) -> APIResponse {
        let from = try query.day("from")
        let to = try query.day("to")
        if let from, let to, to < from { throw .invalidField(name: "to", problem: "is before from") }
        let limit = try query.integer("limit", in: 1...maxLimit) ?? defaultLimit
        var cursor: SessionCursor?
        if let text = query.string("before") {
            guard let parsed = SessionCursor(parsing: text) else {
                throw .invalidField(name: "before", problem: "not a cursor from this API (pass next_cursor back unchanged)")
            }
            cursor = parsed
        }
        let fromMs = from.map(caller.calendar.startMs(of:)) ?? .min
        var toMs = to.map(caller.calendar.endMs(of:)) ?? .max
        if let cursor { toMs = min(toMs, cursor.startedAtMs == .max ? .max : cursor.startedAtMs + 1) }

        let page = try fetch(userId: caller.user.id, fromMs: fromMs, toMs: toMs, after: cursor, count: limit + 1, store: store)
        let sessions = page.prefix(limit)
        let next = page.count > limit ? sessions.last.map { SessionCursor(after: $0.checkpoint).text } : nil
        return APIRouter.ok { json in
            json.beginObject()
            json.key("time_zone"); json.value(string: caller.calendar.identifier)
            json.key("from")
            if let from { json.value(string: from.description) } else { json.null() }
            json.key("to")
            if let to { json.value(string: to.description) } else { json.null() }
            json.key("sessions")
            json.beginArray()
            for session in sessions { json.writeSession(session, scoreDigits: JSONWriter.apiScoreDigits) }
            json.endArray()
            json.key("next_cursor")
            if let next { json.value(string: next) } else { json.null() }
            json.endObject()
        }
    }

    /// Up to `count` sessions in `[fromMs, toMs)` that come after `cursor`. The store pages
    /// by instant only, so sessions sharing the cursor's start instant are skipped here;
    /// when many do, the request grows until enough are left or the store runs out.
    private static func fetch(
        userId: String, fromMs: Int64, toMs: Int64, after cursor: SessionCursor?, count: Int, store: any Store
    ) throws(APIError) -> [StoredSession] {
        guard fromMs < toMs else { return [] }
        var requested = count
        while true {
            let rows = try APIRouter.read { () throws(StoreError) in
                try store.sessions(userId: userId, fromMs: fromMs, toMs: toMs, limit: requested)
            }
            let kept = cursor.map { cursor in rows.filter { cursor.precedes($0.checkpoint) } } ?? rows
            if kept.count >= count || rows.count < requested || requested >= 1 << 16 {
                return Array(kept.prefix(count))
            }
            requested *= 2
        }
    }
}
