public import FlowEngine

/// One window of a labelled session: what the editor sent and what the person was doing.
public struct LabelledWindow: Sendable {
    /// The `activity` window (seq, at_ms, window_ms and counts set).
    public var window: ActivityWindow
    /// What the person was doing during it.
    public var label: PhaseKind
    /// Index of its phase in ``LabelledSession/phases`` (a thinking pause belongs to the
    /// flow phase around it).
    public var phase: Int

    /// Creates a labelled window.
    public init(window: ActivityWindow, label: PhaseKind, phase: Int) {
        self.window = window
        self.label = label
        self.phase = phase
    }
}

/// One stable phase of a labelled session. A flow phase (``PhaseKind/deepFlow``) includes
/// its thinking pauses.
public struct LabelledPhase: Hashable, Sendable {
    /// The phase's kind.
    public var kind: PhaseKind
    /// Event time it began (the start of its first window).
    public var startMs: Int64
    /// Event time it ended (the end of its last window).
    public var endMs: Int64

    /// Creates a phase.
    public init(kind: PhaseKind, startMs: Int64, endMs: Int64) {
        self.kind = kind
        self.startMs = startMs
        self.endMs = endMs
    }
}

/// One person's labelled editor session.
public struct LabelledSession: Sendable {
    /// The person (the replay `user`).
    public var person: String
    /// The session id (a UUID string, as the protocol requires).
    public var session: String
    /// Windows in time order.
    public var windows: [LabelledWindow]
    /// Phases in time order.
    public var phases: [LabelledPhase]

    /// Creates a session.
    public init(person: String, session: String, windows: [LabelledWindow], phases: [LabelledPhase]) {
        self.person = person
        self.session = session
        self.windows = windows
        self.phases = phases
    }
}

/// A labelled corpus: people and their sessions, in the order they are replayed.
public struct LabelledCorpus: Sendable {
    /// The people.
    public var people: [Person]
    /// Every session, each person's in time order.
    public var sessions: [LabelledSession]

    /// Creates a corpus.
    public init(people: [Person], sessions: [LabelledSession]) {
        self.people = people
        self.sessions = sessions
    }

    /// The sessions of `person` only (for leave-one-person-out cross-validation).
    public func only(_ names: Set<String>) -> LabelledCorpus {
        LabelledCorpus(people: people.filter { names.contains($0.name) },
                       sessions: sessions.filter { names.contains($0.person) })
    }
}
