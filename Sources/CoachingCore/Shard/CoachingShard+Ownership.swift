import FlowEngine
public import WSProtocol

/// Several nodes: a user is coached by the one node that holds their ownership lock. When
/// this node gives a user up — another node asked for them, or this node lost the database
/// session that held its locks — the user's home loop calls ``relinquish(userId:code:at:)``.
extension CoachingShard {
    /// Gives the user up on this loop: their latest checkpoints and baseline go to the
    /// writer (the new owner resumes from the store, and the client replays what was not
    /// `durable`), every connection of theirs is closed with `code` (1012: reconnect now,
    /// the balancer sends you to the owner), and their state is forgotten, so nothing here
    /// coaches them again until a new token check has taken the lock again.
    ///
    /// Returns the number of connections closed.
    @discardableResult
    public func relinquish(userId: String, code: CloseCode = .serviceRestart, at time: CoachingTime) -> Int {
        now = time
        guard let user = users[userId] else { return 0 }
        for live in user.sessions.values {
            if live.dirty { checkpoint(live) }
            parkScore(of: live)
        }
        if user.baselineDirty {
            _ = shell.enqueue(.baseline(coachRecord(of: user)))
        }
        flushScores()
        stats.add(.sessionsLive, -user.sessions.values.count)
        for live in user.sessions.values { retire(live) }
        user.sessions.removeAll()
        let connections = user.connections
        for connection in connections {
            registry.disconnect(connection.id)
            connection.sessions = []
            connection.user = nil
            close(connection, code, reason: "this user is served by another node now; reconnect")
        }
        user.connections.removeAll()
        dropUser(userId)
        return connections.count
    }
}
