import Foundation
import Testing

import CoachingCore
@testable import Persistence
import PersistenceTestSupport

extension PostgreSQLServerTests.StoreContractTests {
    @Test("setGoal stamps a change the server polls for, removal included; purge forgets it", arguments: StoreKind.allCases)
    func goalChangesPolled(_ kind: StoreKind) throws {
        guard let fixture = try ContractStore.make(kind) else { return }
        let store = fixture.store
        let ada = Fixtures.user()
        let bob = Fixtures.user("bob")
        try store.createUser(ada)
        try store.createUser(bob)
        // The store's clock stamps the change: ask from a minute back, as the server does.
        let since = Int64(Date().timeIntervalSince1970 * 1000) - 60_000
        #expect(try store.goalChanges(sinceMs: since).isEmpty)
        let goal = UserGoal(period: .day, metric: .flow, targetMs: 3_600_000)
        try store.setGoal(goal, userId: ada.id)
        try store.setGoal(UserGoal(period: .week, metric: .active, targetMs: 60_000), userId: bob.id)
        try store.setGoal(nil, userId: bob.id)
        let changes = try store.goalChanges(sinceMs: since)
        #expect(Set(changes) == [GoalChange(userId: ada.id, goal: goal), GoalChange(userId: bob.id, goal: nil)])
        #expect(try store.goalChanges(sinceMs: since + 3_600_000).isEmpty, "nothing changed after then")
        try store.purgeUser(id: ada.id, deleteAccount: false)
        #expect(try store.goalChanges(sinceMs: since) == [GoalChange(userId: bob.id, goal: nil)])
    }

    @Test("a period is claimed once per goal: the same goal again is refused, a changed goal claims it anew", arguments: StoreKind.allCases)
    func goalClaimPerGoal(_ kind: StoreKind) throws {
        guard let fixture = try ContractStore.make(kind) else { return }
        let store = fixture.store
        let user = Fixtures.user()
        try store.createUser(user)
        let first = UserGoal(period: .day, metric: .flow, targetMs: 3_600_000).signature
        let second = UserGoal(period: .day, metric: .active, targetMs: 3_600_000).signature
        #expect(try store.claimGoalReached(userId: user.id, period: "2026-12-06", goal: first, atMs: 1))
        // Another node (or a restart) asking for the same goal: refused, so it does not push.
        #expect(try !store.claimGoalReached(userId: user.id, period: "2026-12-06", goal: first, atMs: 2))
        #expect(try store.claimGoalReached(userId: user.id, period: "2026-12-06", goal: second, atMs: 3))
        #expect(try !store.claimGoalReached(userId: user.id, period: "2026-12-06", goal: second, atMs: 4))
        #expect(try store.goalsReached(userId: user.id, periods: ["2026-12-06"]) == ["2026-12-06"])
        #expect(try store.claimGoalReached(userId: user.id, period: "2026-W49", goal: second, atMs: 5))
        // The export lists them, oldest first, with the goal that reached each.
        #expect(try store.reachedGoalPeriods(userId: user.id) == [
            GoalReachedRecord(period: "2026-12-06", reachedAtMs: 3, goal: second),
            GoalReachedRecord(period: "2026-W49", reachedAtMs: 5, goal: second),
        ])
    }
}
