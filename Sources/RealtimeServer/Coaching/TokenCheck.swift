import CoachingCore
import FlowEngine
import Persistence

/// A token check as the store reader runs it: verify the token, then load what the user's
/// home loop needs to coach them, all from one snapshot of the store (one read transaction:
/// a reconnect storm queues thousands of these on the reader).
enum TokenCheck {
    /// Runs on the reader thread.
    static func run(_ text: String, store: any Store, fromDay: String, nowMs: Int64) -> AuthOutcome {
        do {
            return try store.reading { () throws(StoreError) in try check(text, store: store, fromDay: fromDay, nowMs: nowMs) }
        } catch {
            return .unavailable
        }
    }

    private static func check(_ text: String, store: any Store, fromDay: String, nowMs: Int64) throws(StoreError) -> AuthOutcome {
        switch try TokenAuthenticator.verify(text, in: store) {
        case .valid(let record, let user):
            let today = LocalTime.day(atMs: nowMs, utcOffsetMs: UserTime.offsetMs(timeZone: user.timeZone, atMs: nowMs))
            let goal = try store.goal(userId: user.id)
            let streak = try store.goalStreak(
                userId: user.id, endingAt: LocalTime.dayText(ofDay: today - 1), goal: goal,
                defaultMinimumActiveMs: FlowEngineConfiguration.standard.daily.streakGoal.value)
            let weeks = try goal.map { goal throws(StoreError) in
                try store.weekStreak(userId: user.id, beforeWeekOf: LocalTime.dayText(ofDay: today), goal: goal)
            } ?? 0
            let keys = PeriodKeys(daysSinceEpoch: today)
            let profile = UserProfile(
                privacy: try store.privacySettings(userId: user.id),
                memberships: try store.memberships(userId: user.id),
                baseline: try store.baseline(userId: user.id),
                recentDays: try store.dailyAggregates(fromDay: fromDay, userId: user.id),
                goalStreak: StoredStreak(days: streak, beforeDay: today, weeks: weeks), goal: goal,
                goalsReached: try store.goalsReached(userId: user.id, periods: [keys.day, keys.week]))
            return .valid(AuthenticatedUser(user: user, scope: record.scope, tokenId: record.id, profile: profile))
        case .malformed:
            return .refused(reason: "the token is malformed (expected fc_<i|r>_<id>_<secret>)")
        case .unknown:
            return .refused(reason: "the token is not known")
        case .revoked:
            return .refused(reason: "the token was revoked")
        }
    }
}
