import FlowEngine
import WireJSON

/// The user's own goal: its progress on `stats:me`, the `goal` push when it is reached
/// (once per day or week, recorded in the store so a restart does not repeat it), and
/// `goal.set`.
extension CoachingShard {
    /// The goal's current period key (`YYYY-MM-DD` or `YYYY-Www`) and the user's time
    /// toward it, stored plus live; nil without a goal.
    func goalProgress(of user: UserState, today: Int64) -> (key: String, progressMs: Int64)? {
        guard let goal = user.goal else { return nil }
        if user.goalWindow?.today != today || user.goalWindow?.period != goal.period {
            user.goalWindow = GoalWindow(today: today, period: goal.period)
        }
        guard let window = user.goalWindow else { return nil }
        return (window.key, time(of: user, window.first, window.firstKey, through: today, window.todayKey, metric: goal.metric))
    }

    /// Active or flow time of local days `first…last`: stored totals plus what live
    /// sessions added since (the same sum as `stats:me`'s).
    func time(of user: UserState, from first: Int64, through last: Int64, metric: UserGoal.Metric) -> Int64 {
        time(of: user, first, PeriodKeys(daysSinceEpoch: first).day, through: last, PeriodKeys(daysSinceEpoch: last).day,
             metric: metric)
    }

    private func time(
        of user: UserState, _ first: Int64, _ firstKey: String, through last: Int64, _ lastKey: String, metric: UserGoal.Metric
    ) -> Int64 {
        var total: Int64 = 0
        for stored in user.storedDays where stored.day >= firstKey && stored.day <= lastKey {
            total += metric == .flow ? stored.flowMs : stored.activeMs
        }
        for session in user.sessions.values {
            for tally in session.days where tally.day >= first && tally.day <= last {
                total += metric == .flow ? tally.flowMs : tally.activeMs
            }
        }
        return total
    }

    /// `stats:me`'s `goal` member: the goal with its progress, or null.
    func writeGoal(of user: UserState, today: Int64, into writer: inout JSONWriter) {
        guard let goal = user.goal, let progress = goalProgress(of: user, today: today) else {
            writer.null()
            return
        }
        writer.beginObject()
        writer.key("period"); writer.value(string: goal.period.rawValue)
        writer.key("metric"); writer.value(string: goal.metric.rawValue)
        writer.key("target_ms"); writer.value(goal.targetMs)
        writer.key("key"); writer.value(string: progress.key)
        writer.key("progress_ms"); writer.value(progress.progressMs)
        writer.key("reached"); writer.value(progress.progressMs >= goal.targetMs)
        writer.endObject()
    }

    /// When the goal's period reaches its target, claims the period in the store; the
    /// `goal` push follows only if the store answers that this claim was the first
    /// (`storeJobAnswered`), so two nodes, or a restart racing a claim in flight, never
    /// both push.
    func announceGoalIfReached(_ user: UserState) {
        guard let goal = user.goal else { return }
        let today = DayTally.dayIndex(atMs: now.wallMs, utcOffsetMs: user.utcOffsetMs)
        guard let progress = goalProgress(of: user, today: today), progress.progressMs >= goal.targetMs,
            !user.goalsAnnounced.contains(progress.key)
        else { return }
        let userId = user.userId
        let key = progress.key
        let signature = goal.signature
        let atMs = now.wallMs
        let queued = shell.submit(StoreJob(name: "recording a reached goal", userId: userId, answer: { store in
            do {
                return .goalClaimed(userId: userId, key: key, first: try store.claimGoalReached(
                    userId: userId, period: key, goal: signature, atMs: atMs))
            } catch {
                return .goalClaimed(userId: userId, key: key, first: nil)
            }
        }))
        // Asked once; a busy queue or a failed claim lets the next activity ask again.
        if queued { user.goalsAnnounced.insert(key) }
    }

    /// The store's answer to a claim: the first claim of the period pushes `goal` to every
    /// connection of the user (editors and dashboards), with the progress now.
    public func storeJobAnswered(_ answer: StoreJobAnswer, at time: CoachingTime) {
        now = time
        switch answer {
        case .goalClaimed(let userId, let key, let first):
            guard let user = users[userId] else { return }
            guard let first else {
                user.goalsAnnounced.remove(key)
                return
            }
            let today = DayTally.dayIndex(atMs: now.wallMs, utcOffsetMs: user.utcOffsetMs)
            guard first, let goal = user.goal, let progress = goalProgress(of: user, today: today), progress.key == key else {
                return
            }
            for connection in user.connections where !connection.closing && connection.isAuthenticated {
                encoder.goalReached(goal, key: key, progressMs: progress.progressMs)
                sendEncoded(connection)
            }
            statsChanged(user)
        case .goalStored(let userId):
            guard let user = users[userId] else { return }
            user.goalWritesInFlight = max(0, user.goalWritesInFlight - 1)
        case .weekStreak(let userId, let goal, let weeks):
            guard let user = users[userId], user.goal == goal else { return }
            user.storedStreak.weeks = weeks ?? 0
            statsChanged(user)
        }
    }

    /// A changed goal's week streak is read from the store again (the stored one counted
    /// the old goal); until the answer, only the weeks this state saw count.
    func refreshWeekStreak(of user: UserState) {
        user.storedStreak.weeks = 0
        guard let goal = user.goal, goal.period == .week else { return }
        let userId = user.userId
        let day = LocalTime.dayText(ofDay: user.storedStreak.beforeDay)
        _ = shell.submit(StoreJob(name: "reading the week streak", userId: userId, answer: { store in
            .weekStreak(userId: userId, goal: goal, weeks: try? store.weekStreak(userId: userId, beforeWeekOf: day, goal: goal))
        }))
    }

    /// Goals changed in the store (the CLI, another node): users with state here take the
    /// new goal at once, so `stats:me` shows its progress, and it is announced if already
    /// reached. Idempotent: the poll reports a change more than once. A user with a
    /// `goal.set` of this node still on its way to the store is skipped: the poll may be
    /// reporting the goal it replaces.
    public func goalsChanged(_ changes: [GoalChange], at time: CoachingTime) {
        now = time
        for change in changes {
            guard let user = users[change.userId], user.goalWritesInFlight == 0, user.goal != change.goal else { continue }
            user.goal = change.goal
            user.goalsAnnounced = []
            statsChanged(user)
            refreshWeekStreak(of: user)
            announceGoalIfReached(user)
        }
    }

    /// `goal.set`: applied at once (progress on `stats:me`), stored by the writer. A goal
    /// already reached in the current period is announced at once.
    func receivedGoalSet(_ connection: CoachingConnection, _ user: UserState, _ goal: UserGoal?, ref: RequestID?) {
        let userId = user.userId
        let queued = shell.submit(StoreJob(name: "storing a goal", userId: userId, answer: { store in
            do {
                try store.setGoal(goal, userId: userId)
            } catch {
                // Applied here regardless (as before: a store failure is not the user's);
                // the answer only ends the in-flight window.
            }
            return .goalStored(userId: userId)
        }))
        guard queued else {
            reject(connection, AppError(.internal, "goal.set: the store is busy; retry", ref: ref))
            return
        }
        if user.goal != goal {
            // A new goal is a new promise: its own push, even in a period an old one reached.
            user.goalsAnnounced = []
            user.goal = goal
            refreshWeekStreak(of: user)
        }
        user.goalWritesInFlight += 1
        statsChanged(user)
        accepted(connection)
        encoder.ack(ref: ref)
        sendEncoded(connection)
        announceGoalIfReached(user)
    }

    /// A new connection of a user with state here brings the stored goal (the CLI may have
    /// changed it) and the periods already recorded as reached.
    func refreshGoal(of user: UserState, from profile: UserProfile) {
        if user.goal != profile.goal {
            user.goal = profile.goal
            user.goalsAnnounced = []
            statsChanged(user)
            refreshWeekStreak(of: user)
        }
        user.goalsAnnounced.formUnion(profile.goalsReached)
    }
}
