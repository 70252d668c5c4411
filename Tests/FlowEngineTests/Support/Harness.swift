import FlowEngine

/// Runs labelled windows through one user's coach and session, recording every answer.
struct Harness {
    var coach: UserCoach
    var session: FlowSession
    var updates: [CoachingUpdate] = []

    init(configuration: FlowEngineConfiguration = .standard, baseline: UserBaseline = UserBaseline(),
         startMs: Int64 = 1_763_000_000_000) {
        coach = UserCoach(configuration: configuration, baseline: baseline)
        session = coach.startSession(atMs: startMs)
    }

    /// Feeds windows; returns the updates they produced.
    @discardableResult
    mutating func run(_ windows: [LabelledWindow]) -> [CoachingUpdate] {
        var produced: [CoachingUpdate] = []
        for labelled in windows {
            produced.append(coach.ingest(labelled.window, session: &session))
        }
        updates.append(contentsOf: produced)
        return produced
    }

    var states: [FlowState] { updates.map(\.flow.state) }
    var reminders: [BreakReminder] { updates.compactMap(\.breakReminder) }
}

/// A baseline that has learned `intervalMs` steady typing (a returning user).
func learnedBaseline(intervalMs: Double, seed: UInt64 = 99) -> UserBaseline {
    var harness = Harness()
    harness.run(SyntheticSession.generate([Phase(activity: .steady(intervalMs: intervalMs), minutes: 10)],
                                          seed: seed))
    return harness.coach.baseline
}

/// Number of times `inFlow` changes within each phase.
func flowChangesPerPhase(_ windows: [LabelledWindow], _ updates: [CoachingUpdate]) -> [Int: Int] {
    var changes: [Int: Int] = [:]
    var previous: Bool?
    var previousPhase = -1
    for (labelled, update) in zip(windows, updates) {
        if labelled.phase != previousPhase { previousPhase = labelled.phase; changes[labelled.phase] = 0 }
        if let previous, previous != update.flow.inFlow { changes[labelled.phase, default: 0] += 1 }
        previous = update.flow.inFlow
    }
    return changes
}
