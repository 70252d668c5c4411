import CoachingCore
import WireJSON

/// `GET /v1/teams/<team_id>/wellbeing?days=N`: ``TeamWellbeing`` of one team over the last
/// N days (default 28, at most 366; "today" in the caller's time zone), from consenting
/// members only, in counts (never who).
enum TeamWellbeingEndpoint {
    static let defaultDays = 28
    static let maxDays = 366

    static func respond(
        _ caller: APICaller, teamId: String, _ query: APIQuery, store: any Store, nowMs: Int64
    ) throws(APIError) -> APIResponse {
        let days = try query.integer("days", in: 1...maxDays) ?? defaultDays
        let (team, consenting) = try TeamAccess.consentingMembers(caller, teamId: teamId, store: store)
        let today = caller.calendar.day(atMs: nowMs)
        let first = today.adding(days: -Int64(days - 1))
        let fromMs = caller.calendar.startMs(of: first).addingClamped(-TeamAnalyticsEndpoint.marginMs)
        let toMs = caller.calendar.endMs(of: today).addingClamped(TeamAnalyticsEndpoint.marginMs)
        var members: [TeamWellbeing.Member] = []
        var truncated = false
        for membership in consenting {
            let user = try APIRouter.read { () throws(StoreError) in try store.user(id: membership.userId) }
            let sessions = try APIRouter.read { () throws(StoreError) in
                try store.sessions(
                    userId: membership.userId, fromMs: fromMs, toMs: toMs, limit: TeamAnalyticsEndpoint.maxSessionsPerMember)
            }
            truncated = truncated || sessions.count >= TeamAnalyticsEndpoint.maxSessionsPerMember
            members.append(TeamWellbeing.Member(
                sessions: sessions, calendar: UserCalendar(timeZoneIdentifier: user?.timeZone ?? "UTC")))
        }
        let wellbeing = TeamWellbeing(members: members, window: first...today)
        return APIRouter.ok { json in
            json.beginObject()
            json.writeTeamMember(id: teamId, team: team)
            json.key("from"); json.value(string: first.description)
            json.key("to"); json.value(string: today.description)
            json.key("consenting_members"); json.value(consenting.count)
            json.key("daily")
            json.beginArray()
            for day in wellbeing.days {
                json.beginObject()
                json.key("day"); json.value(string: day.day.description)
                json.key("active_members"); json.value(day.activeMembers)
                json.key("active_ms"); json.value(day.activeMs)
                json.key("flow_ms"); json.value(day.flowMs)
                json.key("flow_share"); json.value(day.flowShare, fractionDigits: JSONWriter.apiScoreDigits)
                json.key("interruptions_per_hour"); json.value(day.interruptionsPerHour, fractionDigits: 2)
                json.key("long_days"); json.value(day.longDays)
                json.key("late_nights"); json.value(day.lateNights)
                json.key("weekend_work"); json.value(day.weekendWork)
                json.key("burnout_signal"); json.value(day.burnoutSignal, fractionDigits: JSONWriter.apiScoreDigits)
                json.endObject()
            }
            json.endArray()
            json.key("burnout")
            json.beginObject()
            json.key("high_signal"); json.value(TeamWellbeing.highSignal, fractionDigits: 2)
            json.key("sustained_days"); json.value(TeamWellbeing.sustainedDays)
            json.key("sustained"); json.value(wellbeing.sustainedBurnout)
            json.endObject()
            json.key("truncated"); json.value(truncated)
            json.endObject()
        }
    }
}
