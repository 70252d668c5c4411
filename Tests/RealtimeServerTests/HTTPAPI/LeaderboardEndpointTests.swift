import CoachingTestSupport
import CoachingCore
import Foundation
import Synchronization
import Testing

@testable import RealtimeServer

/// `GET /v1/leaderboards/<period>/<metric>`: the channel's snapshot plus the caller's own
/// rank; 503 without a leaderboard owner.
struct LeaderboardEndpointTests {
    /// A leaderboard owner on a clock the test moves.
    final class Boards: Sendable {
        final class Clock: Sendable {
            let ms = Atomic<Int64>(APITestWorld.nowMs)
        }

        let clock = Clock()
        let owner: LeaderboardOwner

        init() {
            let clock = clock
            owner = LeaderboardOwner(nowMs: { clock.ms.load(ordering: .relaxed) }, sink: { _ in })
        }

        func score(_ user: User, coding: Int64, flow: Int64, language: String? = nil) {
            owner.post(.score(ScoreDelta(
                userId: user.id, displayName: user.displayName, periods: PeriodKeys(utcMs: APITestWorld.nowMs), language: language,
                codingMsDelta: coding, flowMsDelta: flow)))
        }

        /// Applies the inputs and publishes (after the minimum publish interval).
        func publish() {
            clock.ms.add(5_000, ordering: .relaxed)
            owner.tick()
        }
    }

    private func top(_ response: APIResponse) -> [(String, Int64, Int64)] {
        (APITestWorld.json(response)["top"] as? [[String: Any]] ?? []).map {
            ($0["name"] as? String ?? "?", APITestWorld.int($0["value_ms"]) ?? -1, APITestWorld.int($0["rank"]) ?? -1)
        }
    }

    @Test("without a leaderboard owner the endpoint is 503")
    func noOwner() throws {
        let world = try APITestWorld()
        let response = world.get("/v1/leaderboards/day/flow_time", as: world.ada)
        #expect(response.status == 503)
        #expect(response.reason == "Service Unavailable")
        #expect(APITestWorld.error(response).code == "unavailable")
    }

    @Test("the answer is the channel snapshot's data plus the caller's own rank")
    func snapshotAndOwnRank() throws {
        let world = try APITestWorld()
        let boards = Boards()
        boards.score(world.ada, coding: 3_600_000, flow: 1_200_000, language: "swift")
        boards.score(world.bob, coding: 1_800_000, flow: 1_500_000, language: "rust")
        boards.publish()
        let flow = world.get("/v1/leaderboards/day/flow_time", as: world.ada, leaderboards: boards.owner)
        #expect(flow.status == 200)
        #expect(top(flow).map(\.0) == ["Bob", "Ada"])
        #expect(top(flow).map(\.2) == [1, 2])
        let body = APITestWorld.json(flow)
        #expect(body["channel"] as? String == "leaderboard:day:flow_time")
        #expect(body["period"] as? String == PeriodKeys(utcMs: APITestWorld.nowMs).day)
        let own = try #require(body["own"] as? [String: Any])
        #expect(APITestWorld.int(own["rank"]) == 2 && APITestWorld.int(own["value_ms"]) == 1_200_000 && own["visible"] as? Bool == true)
        // Exactly what a channel subscriber gets in its snapshot.
        let channel = LeaderboardChannel(period: .day, metric: .flowTime)
        let snapshot = LeaderboardFixture.json(try #require(boards.owner.latest(for: .leaderboard(channel))).frame)
        let snapshotTop = (snapshot["data"] as? [String: Any])?["top"] as? NSArray
        #expect(snapshotTop == body["top"] as? NSArray)

        let coding = world.get("/v1/leaderboards/week/coding_time", as: world.bob, leaderboards: boards.owner)
        #expect(top(coding).map(\.0) == ["Ada", "Bob"])
        let swift = world.get("/v1/leaderboards/month/coding_time?language=SWIFT", as: world.bob, leaderboards: boards.owner)
        #expect(APITestWorld.json(swift)["channel"] as? String == "leaderboard:month:coding_time:lang:swift")
        #expect(top(swift).map(\.0) == ["Ada"])
        #expect(APITestWorld.json(swift)["own"] is NSNull)  // bob wrote no swift
        let empty = world.get("/v1/leaderboards/day/flow_time?language=c%2B%2B", as: world.eve, leaderboards: boards.owner)
        #expect(empty.status == 200 && top(empty).isEmpty)
    }

    @Test("a user who opted out is not on the board for others but sees their own rank")
    func optedOut() throws {
        let world = try APITestWorld()
        let boards = Boards()
        boards.score(world.ada, coding: 3_600_000, flow: 0)
        boards.score(world.bob, coding: 1_800_000, flow: 0)
        boards.owner.post(.privacy(userId: world.ada.id, leaderboardVisible: false))
        boards.publish()
        let seenByBob = world.get("/v1/leaderboards/day/coding_time", as: world.bob, leaderboards: boards.owner)
        #expect(top(seenByBob).map(\.0) == ["Bob"])
        #expect(!seenByBob.text.contains("Ada"))
        let seenByAda = APITestWorld.json(world.get("/v1/leaderboards/day/coding_time", as: world.ada, leaderboards: boards.owner))
        let own = try #require(seenByAda["own"] as? [String: Any])
        #expect(APITestWorld.int(own["rank"]) == 1 && own["visible"] as? Bool == false)
    }
}
