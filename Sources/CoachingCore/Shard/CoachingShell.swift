/// What a ``CoachingShard`` needs from the I/O shell around it: somewhere to send its
/// actions, the persistence writer's queue, and the leaderboard owner's latest snapshots.
///
/// The shard calls these synchronously while it handles an input. `enqueue` and `submit`
/// answer whether the queue took the work, because the shard's bookkeeping depends on it
/// (a refused checkpoint keeps its session dirty and is tried again on the next tick).
public protocol CoachingShell: AnyObject {
    /// Carries out one action now. The shard is inside one of its own methods when it
    /// calls this: a shell must not call back into the shard from here (a connection that
    /// fails while being written to is reported once the shard's method has returned).
    func perform(_ action: CoachingAction)
    /// Sends one text message: `perform(.send(connection, payload))` without the action
    /// (the shard's most frequent call; building and switching over a ``CoachingAction``
    /// copies the whole enum, about 300 bytes, twice). Same rules as ``perform(_:)``.
    func send(_ connection: ConnectionID, _ payload: UnsafeRawBufferPointer)
    /// Hands a record to the persistence writer; false when its queue is full.
    func enqueue(_ record: PersistenceRecord) -> Bool
    /// Runs `job` on the writer thread after everything queued before it; false when busy.
    func submit(_ job: StoreJob) -> Bool
    /// The latest publication on a leaderboard or team channel, for a new subscriber.
    func latestSnapshot(for key: ChannelKey) -> ChannelEvent?
}

extension CoachingShell {
    /// Shells that do not send by themselves see sends as ``CoachingAction/send(_:_:)``.
    public func send(_ connection: ConnectionID, _ payload: UnsafeRawBufferPointer) {
        perform(.send(connection, payload))
    }
}

/// Work for the writer thread that is not a record (privacy settings, a purge), with a
/// name for the log line if the store refuses it.
public struct StoreJob: Sendable {
    public var name: String
    public var userId: String
    public var run: @Sendable (any Store) throws(StoreError) -> Void
    /// A job whose answer the shard needs: the shell runs this instead of `run` and hands
    /// its answer back to the submitting shard (`storeJobAnswered`).
    public var answer: (@Sendable (any Store) -> StoreJobAnswer)?

    public init(name: String, userId: String, run: @escaping @Sendable (any Store) throws(StoreError) -> Void) {
        self.name = name
        self.userId = userId
        self.run = run
        answer = nil
    }

    public init(name: String, userId: String, answer: @escaping @Sendable (any Store) -> StoreJobAnswer) {
        self.name = name
        self.userId = userId
        run = { _ throws(StoreError) in }
        self.answer = answer
    }
}

/// What a store job tells the shard that submitted it.
public enum StoreJobAnswer: Sendable, Hashable {
    /// `claimGoalReached`'s answer for the user's period `key`: true the first time (this
    /// shard pushes `goal`), false when recorded before (by a restart or another node),
    /// nil when the store failed (the next activity tries again).
    case goalClaimed(userId: String, key: String, first: Bool?)
    /// A `goal.set` of the user reached the store (or failed there).
    case goalStored(userId: String)
    /// `Store.weekStreak` for `goal` before the week of the user's stored streak day (nil:
    /// the store failed; the streak then counts from the current week).
    case weekStreak(userId: String, goal: UserGoal, weeks: Int?)
}
