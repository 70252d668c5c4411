import CoachingCore
import WireJSON

/// `GET /v1/teams/<team_id>/analytics?days=N`: ``TeamAnalytics`` of one team over the last
/// N days (default 30, at most 366; "today" in the caller's time zone). Only members may
/// ask (403 otherwise, also for a team that does not exist, so ids cannot be probed);
/// members who did not consent are not counted at all.
enum TeamAnalyticsEndpoint {
    static let defaultDays = 30
    static let maxDays = 366
    /// Most sessions read per member for one answer; `truncated` says when one had more.
    static let maxSessionsPerMember = 5_000
    /// Sessions starting this long before the window can still have days inside it (a
    /// member further east, a session over midnight).
    static let marginMs: Int64 = 2 * 86_400_000

    static func respond(
        _ caller: APICaller, teamId: String, _ query: APIQuery, store: any Store, nowMs: Int64
    ) throws(APIError) -> APIResponse {
        let days = try query.integer("days", in: 1...maxDays) ?? defaultDays
        let (team, consenting) = try TeamAccess.consentingMembers(caller, teamId: teamId, store: store)

        let today = caller.calendar.day(atMs: nowMs)
        let first = today.adding(days: -Int64(days - 1))
        let fromMs = caller.calendar.startMs(of: first).addingClamped(-marginMs)
        let toMs = caller.calendar.endMs(of: today).addingClamped(marginMs)
        var sessionsByMember: [String: [StoredSession]] = [:]
        var truncated = false
        for member in consenting {
            let sessions = try APIRouter.read { () throws(StoreError) in
                try store.sessions(userId: member.userId, fromMs: fromMs, toMs: toMs, limit: maxSessionsPerMember)
            }
            truncated = truncated || sessions.count >= maxSessionsPerMember
            sessionsByMember[member.userId] = sessions
        }
        let analytics = TeamAnalytics(memberSessions: sessionsByMember, window: first...today)

        return APIRouter.ok { json in
            json.beginObject()
            json.writeTeamMember(id: teamId, team: team)
            json.key("days"); json.value(days)
            json.key("from"); json.value(string: first.description)
            json.key("to"); json.value(string: today.description)
            json.key("consenting_members"); json.value(consenting.count)
            json.key("daily")
            json.beginArray()
            for day in analytics.days {
                json.beginObject()
                json.key("day"); json.value(string: day.day.description)
                json.key("sessions"); json.value(day.sessions)
                json.key("active_members"); json.value(day.activeMembers)
                json.key("active_ms"); json.value(day.activeMs)
                json.key("flow_ms"); json.value(day.flowMs)
                json.key("mean_focus")
                if let focus = day.meanFocus { json.value(focus, fractionDigits: JSONWriter.apiScoreDigits) } else { json.null() }
                json.endObject()
            }
            json.endArray()
            json.key("truncated"); json.value(truncated)
            json.endObject()
        }
    }
}
