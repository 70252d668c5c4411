import CoachingCore

/// Who may see a team's aggregates, and whose data they are built from: only members may
/// ask (403 otherwise, also for a team that does not exist, so ids cannot be probed), and
/// only members who consented are counted.
enum TeamAccess {
    static func consentingMembers(
        _ caller: APICaller, teamId: String, store: any Store
    ) throws(APIError) -> (team: Team?, consenting: [TeamMembership]) {
        let userId = caller.user.id
        // Membership first, from the caller's own rows: the team id is compared, never
        // looked up, before the caller is known to belong to it.
        let ownMemberships = try APIRouter.read { () throws(StoreError) in try store.memberships(userId: userId) }
        guard ownMemberships.contains(where: { $0.teamId == teamId }) else {
            throw .forbidden("you are not a member of this team")
        }
        let team = try APIRouter.read { () throws(StoreError) in try store.team(id: teamId) }
        let members = try APIRouter.read { () throws(StoreError) in try store.memberships(teamId: teamId) }
        return (team, members.filter(\.dataSharingConsent))
    }
}
