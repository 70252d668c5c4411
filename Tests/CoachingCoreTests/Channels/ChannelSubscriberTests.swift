import Testing

@testable import CoachingCore

/// Issue 5: nobody subscribes to another user's `stats:me` or a team they are not in.
struct ChannelSubscriberTests {
    let ada = ChannelSubscriber(userId: "ada", teamIds: ["core"])

    @Test("stats:me is allowed and resolves to the subscriber's own stream")
    func statsMe() {
        #expect(ada.access(to: .statsMe) == .allowed(.userStats(userId: "ada")))
        let bob = ChannelSubscriber(userId: "bob")
        #expect(bob.access(to: .statsMe) == .allowed(.userStats(userId: "bob")))
    }

    @Test("any authenticated user may watch any leaderboard")
    func leaderboards() {
        let board = LeaderboardChannel(period: .week, metric: .flowTime, language: "go")
        #expect(ChannelSubscriber(userId: "eve").access(to: .leaderboard(board)) == .allowed(.leaderboard(board)))
    }

    @Test("a member may watch their team")
    func teamMember() {
        #expect(ada.access(to: .team(id: "core")) == .allowed(.team(id: "core")))
    }

    @Test("a non-member is forbidden from a team channel, with a message naming the team")
    func teamOutsider() {
        let access = ada.access(to: .team(id: "infra"))
        #expect(access == .forbidden(.notTeamMember(teamId: "infra")))
        if case .forbidden(let denial) = access {
            #expect(denial.code == "forbidden")
            #expect(denial.message.contains("infra"))
        }
    }
}
