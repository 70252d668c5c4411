public import FlowEngine

/// A detector's call on one labelled window.
public struct WindowCall: Hashable, Sendable {
    /// What the person was doing.
    public var label: PhaseKind
    /// The window's phase (index into ``SessionCalls/phases``).
    public var phase: Int
    /// The window's end, event time.
    public var atMs: Int64
    /// The detector said flow.
    public var inFlow: Bool
    /// The detector's confidence in its call.
    public var confidence: Double

    /// Creates a call.
    public init(label: PhaseKind, phase: Int, atMs: Int64, inFlow: Bool, confidence: Double) {
        self.label = label
        self.phase = phase
        self.atMs = atMs
        self.inFlow = inFlow
        self.confidence = confidence
    }

    /// The call matches the label.
    public var isRight: Bool { inFlow == label.isFlow }
}

/// A detector's calls on one labelled session.
public struct SessionCalls: Sendable {
    /// The person.
    public var person: String
    /// The session's phases.
    public var phases: [LabelledPhase]
    /// One call per window, in time order.
    public var calls: [WindowCall]

    /// Creates the calls of a session.
    public init(person: String, phases: [LabelledPhase], calls: [WindowCall]) {
        self.person = person
        self.phases = phases
        self.calls = calls
    }

    /// Runs `corpus` through the engine exactly as the server does (``ReplayEngine``: one
    /// coach per person, so later sessions start with a learned baseline).
    public static func replay(_ corpus: LabelledCorpus,
                              configuration: FlowEngineConfiguration = .standard) -> [SessionCalls] {
        var engine = ReplayEngine(configuration: configuration)
        return corpus.sessions.map { session in
            var calls: [WindowCall] = []
            calls.reserveCapacity(session.windows.count)
            for labelled in session.windows {
                let input = ReplayEngine.Input(user: session.person, session: session.session,
                                               window: labelled.window)
                for case .flow(_, _, let assessment) in engine.ingest(input) {
                    calls.append(WindowCall(label: labelled.label, phase: labelled.phase,
                                            atMs: labelled.window.atMs, inFlow: assessment.inFlow,
                                            confidence: assessment.confidence))
                }
            }
            _ = engine.endSession(session.session, atMs: session.windows.last?.window.atMs ?? 0)
            return SessionCalls(person: session.person, phases: session.phases, calls: calls)
        }
    }

    /// Runs `corpus` through seed 004's detector (one per session), for comparison.
    public static func seedDetector(_ corpus: LabelledCorpus) -> [SessionCalls] {
        corpus.sessions.map { session in
            var detector = SeedDetector()
            let calls = session.windows.map { labelled in
                let assessment = detector.ingest(labelled.window)
                return WindowCall(label: labelled.label, phase: labelled.phase, atMs: labelled.window.atMs,
                                  inFlow: assessment.inFlow, confidence: assessment.confidence)
            }
            return SessionCalls(person: session.person, phases: session.phases, calls: calls)
        }
    }
}
