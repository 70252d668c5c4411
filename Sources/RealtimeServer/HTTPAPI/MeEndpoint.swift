import CoachingCore
import WireJSON

/// `GET /v1/me`: the caller's account, the token in use, privacy settings and teams.
enum MeEndpoint {
    static func respond(_ caller: APICaller, store: any Store) throws(APIError) -> APIResponse {
        let userId = caller.user.id
        let privacy = try APIRouter.read { () throws(StoreError) in try store.privacySettings(userId: userId) }
        let memberships = try APIRouter.read { () throws(StoreError) in try store.memberships(userId: userId) }
        var teams: [(TeamMembership, Team?)] = []
        for membership in memberships {
            let team = try APIRouter.read { () throws(StoreError) in try store.team(id: membership.teamId) }
            teams.append((membership, team))
        }
        return APIRouter.ok { json in
            json.beginObject()
            json.key("user"); json.writeUser(caller.user)
            json.key("token")
            json.beginObject()
            json.key("id"); json.value(string: caller.token.id)
            json.key("scope"); json.value(string: caller.token.scope.rawValue)
            json.endObject()
            json.key("privacy"); json.writePrivacy(privacy)
            json.key("teams")
            json.beginArray()
            for (membership, team) in teams {
                json.beginObject()
                json.key("id"); json.value(string: membership.teamId)
                json.key("name")
                if let team { json.value(string: team.name) } else { json.null() }
                json.key("data_sharing_consent"); json.value(membership.dataSharingConsent)
                json.key("joined_at_ms"); json.value(membership.joinedAtMs)
                json.endObject()
            }
            json.endArray()
            json.endObject()
        }
    }
}
