import CoachingCore
import Foundation
import WireJSON

/// The JSON document of `GET /v1/privacy/export` (format `flowcoach.export.v1`): the
/// account, privacy settings, the goal and the periods it was reached in, tokens (ids, scopes and times; never hashes), team
/// memberships, every session with its days and flow periods, daily aggregates and the
/// detector's baseline (base64). Field names as in the rest of the API.
enum UserExportDocument {
    static let format = "flowcoach.export.v1"

    static func encode(
        _ export: UserExport, goal: UserGoal? = nil, goalsReached: [GoalReachedRecord] = [], exportedAtMs: Int64
    ) -> [UInt8] {
        var json = JSONWriter(capacity: 4096 + export.sessions.count * 1024)
        json.beginObject()
        json.key("format"); json.value(string: format)
        json.key("exported_at"); json.value(string: RFC3339Timestamp.string(epochMs: exportedAtMs))
        json.key("exported_at_ms"); json.value(exportedAtMs)
        json.key("user"); json.writeUser(export.user)
        json.key("privacy"); json.writePrivacy(export.privacy)
        json.key("goal")
        if let goal {
            json.beginObject()
            json.key("period"); json.value(string: goal.period.rawValue)
            json.key("metric"); json.value(string: goal.metric.rawValue)
            json.key("target_ms"); json.value(goal.targetMs)
            json.endObject()
        } else {
            json.null()
        }
        json.key("goals_reached")
        json.beginArray()
        for reached in goalsReached {
            json.beginObject()
            json.key("period"); json.value(string: reached.period)
            json.key("reached_at_ms"); json.value(reached.reachedAtMs)
            json.key("goal"); json.value(string: reached.goal)
            json.endObject()
        }
        json.endArray()
        json.key("tokens")
        json.beginArray()
        for token in export.tokens {
            json.beginObject()
            json.key("id"); json.value(string: token.id)
            json.key("scope"); json.value(string: token.scope.rawValue)
            json.key("created_at_ms"); json.value(token.createdAtMs)
            json.key("revoked_at_ms"); json.writeOptional(token.revokedAtMs)
            json.endObject()
        }
        json.endArray()
        json.key("teams")
        json.beginArray()
        for membership in export.teams {
            json.beginObject()
            json.key("team_id"); json.value(string: membership.teamId)
            json.key("data_sharing_consent"); json.value(membership.dataSharingConsent)
            json.key("joined_at_ms"); json.value(membership.joinedAtMs)
            json.endObject()
        }
        json.endArray()
        json.key("sessions")
        json.beginArray()
        for session in export.sessions { json.writeSession(session, scoreDigits: JSONWriter.exportScoreDigits) }
        json.endArray()
        json.key("daily")
        json.beginArray()
        for aggregate in export.daily { json.writeDailyAggregate(aggregate) }
        json.endArray()
        json.key("baseline")
        if let baseline = export.baseline {
            json.beginObject()
            json.key("updated_at_ms"); json.value(baseline.updatedAtMs)
            json.key("bytes_base64"); json.value(string: Data(baseline.bytes).base64EncodedString())
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
        return json.bytes
    }
}
