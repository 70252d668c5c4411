import FlowEngine
import Testing
@testable import CoachingCore

/// The user's own goal on the shard: `goal.set`, progress on `stats:me`, the `goal` push to
/// every connection of the user once per period, and a period already recorded as reached
/// (by an earlier process) not pushed again.
struct ShardGoalTests {
    private func goals(_ harness: ShardHarness, _ connection: CoachingConnection) -> [[String: Any]] {
        harness.shell.messages(to: connection.id).filter { $0["type"] as? String == "goal" }
    }

    @Test("a goal set from a read connection is stored, and reaching it pushes goal to editor and dashboard once")
    func pushedOnce() {
        let harness = ShardHarness()
        let user = ShardHarness.user("ada")
        let dashboard = harness.connect(user, scope: .read)
        let editor = harness.connect(user)
        harness.send(dashboard, ["type": "goal.set", "id": "g", "period": "day", "metric": "active", "target_ms": 15_000])
        #expect(harness.last(dashboard)["type"] as? String == "ack")
        #expect(harness.shell.jobs.map(\.name) == ["storing a goal"])
        let session = ShardHarness.newSession()
        harness.start(editor, session)
        for seq: Int64 in 1...2 { harness.activity(editor, session, seq: seq, atMs: harness.time.wallMs - 20_000 + seq * 5_000) }
        #expect(goals(harness, editor).isEmpty)
        harness.activity(editor, session, seq: 3, atMs: harness.time.wallMs - 5_000)
        // Reached: the period is claimed in the store, and only its answer pushes.
        #expect(goals(harness, editor).isEmpty)
        #expect(harness.shell.jobs.map(\.name) == ["storing a goal", "recording a reached goal"])
        let key = PeriodKeys(utcMs: harness.time.wallMs).day
        harness.shard.storeJobAnswered(.goalClaimed(userId: user.user.id, key: key, first: true), at: harness.time)
        let push = goals(harness, editor)
        #expect(push.count == 1)
        #expect(push.first?["period"] as? String == "day" && push.first?["target_ms"] as? Int == 15_000)
        #expect(push.first?["key"] as? String == PeriodKeys(utcMs: harness.time.wallMs).day)
        #expect(goals(harness, dashboard).count == 1)
        harness.activity(editor, session, seq: 4, atMs: harness.time.wallMs)
        #expect(goals(harness, editor).count == 1, "once per period")
        #expect(harness.shell.jobs.filter { $0.name == "recording a reached goal" }.count == 1, "claimed once")
    }

    @Test("a period another node (or a restart) claimed first is not pushed; a failed claim is asked again")
    func claimedElsewhere() {
        let harness = ShardHarness()
        var user = ShardHarness.user("cy")
        user.profile.goal = UserGoal(period: .day, metric: .active, targetMs: 5_000)
        let editor = harness.connect(user)
        let session = ShardHarness.newSession()
        harness.start(editor, session)
        harness.activity(editor, session, seq: 1, atMs: harness.time.wallMs - 1_000)
        harness.activity(editor, session, seq: 2, atMs: harness.time.wallMs)
        let key = PeriodKeys(utcMs: harness.time.wallMs).day
        #expect(harness.shell.jobs.filter { $0.name == "recording a reached goal" }.count == 1)
        harness.shard.storeJobAnswered(.goalClaimed(userId: user.user.id, key: key, first: nil), at: harness.time)
        harness.activity(editor, session, seq: 3, atMs: harness.time.wallMs)
        #expect(harness.shell.jobs.filter { $0.name == "recording a reached goal" }.count == 2, "asked again after a failure")
        harness.shard.storeJobAnswered(.goalClaimed(userId: user.user.id, key: key, first: false), at: harness.time)
        harness.activity(editor, session, seq: 4, atMs: harness.time.wallMs)
        #expect(goals(harness, editor).isEmpty)
        #expect(harness.shell.jobs.filter { $0.name == "recording a reached goal" }.count == 2, "not asked again once answered")
    }

    @Test("a goal changed in the store reaches the user's state: progress at once, announced if reached")
    func changedElsewhere() {
        let harness = ShardHarness()
        let user = ShardHarness.user("dee")
        let editor = harness.connect(user)
        let session = ShardHarness.newSession()
        harness.start(editor, session)
        harness.activity(editor, session, seq: 1, atMs: harness.time.wallMs - 1_000)
        harness.activity(editor, session, seq: 2, atMs: harness.time.wallMs)
        #expect(harness.shell.jobs.filter { $0.name == "recording a reached goal" }.isEmpty)
        let goal = UserGoal(period: .day, metric: .active, targetMs: 5_000)
        harness.shard.goalsChanged([GoalChange(userId: user.user.id, goal: goal), GoalChange(userId: "nobody", goal: nil)], at: harness.time)
        #expect(harness.shard.users[user.user.id]?.goal == goal)
        #expect(harness.shell.jobs.filter { $0.name == "recording a reached goal" }.count == 1, "already reached: claimed")
        harness.shard.goalsChanged([GoalChange(userId: user.user.id, goal: goal)], at: harness.time)
        #expect(harness.shell.jobs.filter { $0.name == "recording a reached goal" }.count == 1, "a repeated report changes nothing")
        // A goal.set here, not yet stored: the poll's older answer does not undo it.
        harness.send(editor, ["type": "goal.set", "id": "g", "period": "week", "metric": "flow", "target_ms": 60_000])
        let weekly = UserGoal(period: .week, metric: .flow, targetMs: 60_000)
        harness.shard.goalsChanged([GoalChange(userId: user.user.id, goal: goal)], at: harness.time)
        #expect(harness.shard.users[user.user.id]?.goal == weekly)
        harness.shard.storeJobAnswered(.goalStored(userId: user.user.id), at: harness.time)
        harness.shard.goalsChanged([GoalChange(userId: user.user.id, goal: goal)], at: harness.time)
        #expect(harness.shard.users[user.user.id]?.goal == goal, "once stored, the store's answer stands")
    }

    @Test("a period recorded as reached before a restart is not pushed again; stats:me shows the progress")
    func recordedBefore() {
        let harness = ShardHarness()
        var user = ShardHarness.user("bob")
        let today = PeriodKeys(utcMs: harness.time.wallMs).day
        user.profile.goal = UserGoal(period: .day, metric: .active, targetMs: 5_000)
        user.profile.goalsReached = [today]
        let editor = harness.connect(user)
        let session = ShardHarness.newSession()
        harness.start(editor, session)
        harness.activity(editor, session, seq: 1, atMs: harness.time.wallMs - 1_000)
        harness.activity(editor, session, seq: 2, atMs: harness.time.wallMs)
        #expect(goals(harness, editor).isEmpty)
        guard let state = harness.shard.users[user.user.id] else {
            Issue.record("no state")
            return
        }
        let dayIndex = DayTally.dayIndex(atMs: harness.time.wallMs, utcOffsetMs: 0)
        let progress = harness.shard.goalProgress(of: state, today: dayIndex)
        #expect(progress?.key == today && (progress?.progressMs ?? 0) >= 10_000)
    }

    @Test("goal.set checks its fields; target_ms 0 removes the goal")
    func validation() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("cy"))
        harness.send(connection, ["type": "goal.set", "period": "month", "metric": "flow", "target_ms": 60_000])
        #expect(harness.last(connection)["code"] as? String == "invalid_field")
        harness.send(connection, ["type": "goal.set", "period": "day", "metric": "joy", "target_ms": 60_000])
        #expect(harness.last(connection)["code"] as? String == "invalid_field")
        harness.send(connection, ["type": "goal.set", "period": "day", "metric": "flow", "target_ms": 604_800_001])
        #expect(harness.last(connection)["code"] as? String == "invalid_field")
        harness.send(connection, ["type": "goal.set", "target_ms": 0, "id": "clear"])
        #expect(harness.last(connection)["type"] as? String == "ack")
        #expect(harness.shard.users[ShardHarness.user("cy").user.id]?.goal == nil)
    }
}
