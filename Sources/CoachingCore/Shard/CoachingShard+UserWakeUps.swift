/// The users' side of the tick: a user's UTC offset refresh, baseline save, `stats:me`
/// publication and the dropping of an idle user's state, done only for the users with
/// something due, as the sessions' side is (``CoachingShard/tick(at:)``).
///
/// Each user has a wake-up time in ``CoachingShard/userWakeUps``: the earliest moment at
/// which a visit would do something, computed from the user's state after each visit
/// (``nextUserWakeMs(of:)``). Whatever can make that moment earlier asks for it: `stats:me`
/// changing and the baseline changing go through ``statsChanged(_:)`` and
/// ``baselineChanged(_:)`` (the flags cannot be set otherwise), a connection closing through
/// ``wakeUser(_:)``. A tick thus costs what is due, not a walk over every user twice.
extension CoachingShard {
    /// `stats:me` of `user` changed: published at the next tick the publish interval allows.
    func statsChanged(_ user: UserState) {
        user.markStatsDirty()
        wakeUser(user)
    }

    /// `user`'s coach state changed: handed to the writer once the checkpoint interval has
    /// passed since the last save (sooner when the user has no session left).
    func baselineChanged(_ user: UserState) {
        user.markBaselineDirty()
        wakeUser(user)
    }

    /// An `activity` of one of `user`'s sessions changed both `stats:me` and the baseline.
    /// The user has a session, so it is not idle and its wake-up is the earlier of the two
    /// intervals' ends: two reads of the user's first cache line, no heap entry while an
    /// early enough visit is queued already (the common case).
    func activityChanged(_ user: UserState) {
        user.markStatsDirty()
        user.markBaselineDirty()
        let statsDue = user.lastStatsPublishMono.clampedAdding(settings.publishIntervalMs)
        let baselineDue = user.lastBaselineSaveMono.clampedAdding(settings.checkpointIntervalMs)
        schedule(user, atMs: min(statsDue, baselineDue))
    }

    /// Something changed `user` (a connection gone, state dropped into it): its next visit is
    /// computed again from everything it holds.
    func wakeUser(_ user: UserState) {
        guard !user.dropped else { return }
        schedule(user, atMs: nextUserWakeMs(of: user))
    }

    private func schedule(_ user: UserState, atMs wantedMs: Int64) {
        // Visited by this tick's users' phase when it is due now and that phase has not run
        // yet (a session visit changed the user), else by a later tick.
        let dueMs = max(wantedMs, visitingUsers ? now.monotonicMs + 1 : now.monotonicMs)
        guard dueMs < user.wakeMs else { return }  // an earlier visit is queued already
        user.wakeMs = dueMs
        userWakeUps.add(user, dueMs: dueMs)
    }

    /// The first monotonic time at which a visit would do something to `user` (at the
    /// latest its next offset refresh). Mirrors ``visitDueUsers()`` and
    /// ``publishVisitedUsersStats()``.
    private func nextUserWakeMs(of user: UserState) -> Int64 {
        var due = user.offsetRefreshDueMono
        if user.isIdle { return now.monotonicMs }  // dropped, or its refused baseline tried again
        if user.baselineDirty {
            due = min(due, user.sessions.isEmpty ? now.monotonicMs
                : user.lastBaselineSaveMono.clampedAdding(settings.checkpointIntervalMs))
        }
        if user.statsDirty {
            due = min(due, user.lastStatsPublishMono.clampedAdding(settings.publishIntervalMs))
        }
        return due
    }

    /// The users' first phase, after the sessions' sweep: the users due are taken from the
    /// heap into ``visitedUsers``; each gets its offset refreshed, its baseline saved, or
    /// is dropped when nothing is left of it. Their `stats:me` waits for
    /// ``publishVisitedUsersStats()``, after the leaderboard time has been flushed.
    func visitDueUsers() {
        visitedUsers.removeAll(keepingCapacity: true)
        while let entry = userWakeUps.popDue(atMs: now.monotonicMs) {
            let user = entry.element
            // Superseded by an earlier wake-up, which was visited already; or dropped since.
            guard entry.dueMs == user.wakeMs, !user.dropped else { continue }
            user.wakeMs = .max
            userVisits += 1
            if now.monotonicMs >= user.offsetRefreshDueMono {
                user.utcOffsetMs = configuration.utcOffsetMs(user.user.timeZone, now.wallMs)
                user.offsetRefreshDueMono = now.monotonicMs + Self.offsetRefreshIntervalMs
            }
            if user.baselineDirty
                && (now.monotonicMs - user.lastBaselineSaveMono >= settings.checkpointIntervalMs || user.sessions.isEmpty) {
                saveBaseline(of: user)
            }
            if user.isIdle && !user.baselineDirty {
                dropUser(user.userId)
                continue
            }
            visitedUsers.append(user)
        }
    }

    /// The users' second phase: the visited users' `stats:me`, then their next wake-ups.
    func publishVisitedUsersStats() {
        visitingUsers = true
        defer {
            visitingUsers = false
            visitedUsers.removeAll(keepingCapacity: true)
        }
        for user in visitedUsers where !user.dropped {
            publishStatsIfDue(of: user)
            wakeUser(user)
        }
    }

    /// Drops the wake-ups that no longer match their user (superseded, or dropped), as
    /// ``compactWakeUps()`` does for sessions.
    func compactUserWakeUps() {
        userWakeUps.compact { entry in entry.dueMs == entry.element.wakeMs && !entry.element.dropped }
        userWakeUpsCompactionCount = max(wakeUpsCompactionMinimum, 2 * userWakeUps.count)
    }
}
