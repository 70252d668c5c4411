import Foundation
import Testing

import CoachingCore
@testable import Persistence
import PersistenceTestSupport

extension PostgreSQLServerTests.StoreContractTests {
    @Test("a goal is stored per user, replaced, removed, and purged with the user's data", arguments: StoreKind.allCases)
    func goalsStoredAndPurged(_ kind: StoreKind) throws {
        guard let fixture = try ContractStore.make(kind) else { return }
        let store = fixture.store
        let user = Fixtures.user()
        try store.createUser(user)
        #expect(try store.goal(userId: user.id) == nil)
        try store.setGoal(UserGoal(period: .day, metric: .flow, targetMs: 3_600_000), userId: user.id)
        try store.setGoal(UserGoal(period: .week, metric: .active, targetMs: 36_000_000), userId: user.id)
        #expect(try store.goal(userId: user.id) == UserGoal(period: .week, metric: .active, targetMs: 36_000_000))
        #expect(throws: StoreError.self) {
            try store.setGoal(UserGoal(period: .day, metric: .flow, targetMs: 0), userId: user.id)
        }
        #expect(throws: StoreError.self) {
            try store.setGoal(UserGoal(period: .day, metric: .flow, targetMs: 60_000), userId: UUID().uuidString.lowercased())
        }
        try store.setGoal(nil, userId: user.id)
        #expect(try store.goal(userId: user.id) == nil)
        try store.setGoal(UserGoal(period: .day, metric: .flow, targetMs: 60_000), userId: user.id)
        try store.purgeUser(id: user.id, deleteAccount: false)
        #expect(try store.goal(userId: user.id) == nil)
    }

    @Test("a period's goal is claimed as reached once; an unknown user claims nothing", arguments: StoreKind.allCases)
    func goalReachedClaimedOnce(_ kind: StoreKind) throws {
        guard let fixture = try ContractStore.make(kind) else { return }
        let store = fixture.store
        let user = Fixtures.user()
        try store.createUser(user)
        #expect(try store.goalsReached(userId: user.id, periods: ["2026-12-06", "2026-W49"]).isEmpty)
        #expect(try store.claimGoalReached(userId: user.id, period: "2026-12-06", atMs: 1_796_000_000_000))
        #expect(try !store.claimGoalReached(userId: user.id, period: "2026-12-06", atMs: 1_796_000_100_000))
        #expect(try store.claimGoalReached(userId: user.id, period: "2026-W49", atMs: 1_796_000_000_000))
        #expect(try store.goalsReached(userId: user.id, periods: ["2026-12-06", "2026-12-07", "2026-W49"]) == ["2026-12-06", "2026-W49"])
        #expect(try !store.claimGoalReached(userId: UUID().uuidString.lowercased(), period: "2026-12-06", atMs: 0))
        try store.purgeUser(id: user.id, deleteAccount: false)
        #expect(try store.goalsReached(userId: user.id, periods: ["2026-12-06"]).isEmpty)
    }
}
