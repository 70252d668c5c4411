import FlowEngine

/// Generates labelled corpora from an injected generator: the same seed gives the same
/// corpus on every machine.
public enum CorpusGenerator {
    /// Seeds whose corpora the detector's settings were tuned on.
    public static let tuningSeeds: [UInt64] = [101, 102, 103]
    /// Seeds never used while tuning: the reported figures and the CI regression guard.
    public static let heldOutSeeds: [UInt64] = [9_001, 9_002, 9_003]

    /// A corpus of `people` people, each with `sessionsPerPerson` sessions of
    /// `sessionMinutes` (a day apart: the second session starts with a learned baseline).
    public static func corpus(people count: Int = 8, sessionsPerPerson: Int = 2, sessionMinutes: Int = 150,
                              namePrefix: String = "p",
                              using rng: inout some RandomNumberGenerator) -> LabelledCorpus {
        let people = Person.cohort(count: count, namePrefix: namePrefix, using: &rng)
        var sessions: [LabelledSession] = []
        for (index, person) in people.enumerated() {
            for day in 0..<Swift.max(sessionsPerPerson, 0) {
                let start: Int64 = 1_763_000_000_000 + Int64(day) * 86_400_000 + Int64(index) * 600_000
                sessions.append(session(
                    for: person, id: sessionID(prefix: namePrefix, person: index, day: day), startMs: start,
                    totalMs: Int64(sessionMinutes) * 60_000, using: &rng))
            }
        }
        return LabelledCorpus(people: people, sessions: sessions)
    }

    /// One session of `person`.
    public static func session(for person: Person, id: String, startMs: Int64, totalMs: Int64,
                               using rng: inout some RandomNumberGenerator) -> LabelledSession {
        var windows: [LabelledWindow] = []
        var phases: [LabelledPhase] = []
        var at = startMs
        var seq: Int64 = 0
        let windowMs = Swift.max(person.windowMs, 1_000)
        for step in SessionPlanner.plan(totalMs: totalMs, using: &rng) {
            let index = phases.count
            let phaseStart = at
            let stretches = step.kind == .deepFlow
                ? SessionPlanner.flowStretches(durationMs: step.durationMs, using: &rng) : [step]
            let phaseStyle = PhaseStyle.draw(step.kind, person: person, using: &rng)
            for stretch in stretches {
                var style = phaseStyle
                style.kind = stretch.kind
                let count = Swift.max(1, (stretch.durationMs + windowMs / 2) / windowMs)
                for _ in 0..<count {
                    var window = WindowSynthesizer.window(style, person: person, windowMs: windowMs, using: &rng)
                    at += windowMs
                    seq += 1
                    window.seq = seq
                    window.atMs = at
                    windows.append(LabelledWindow(window: window, label: stretch.kind, phase: index))
                }
            }
            phases.append(LabelledPhase(kind: step.kind, startMs: phaseStart, endMs: at))
        }
        return LabelledSession(person: person.name, session: id, windows: windows, phases: phases)
    }

    /// A deterministic UUID-shaped id, distinct per name prefix (corpora can be pooled).
    static func sessionID(prefix: String, person: Int, day: Int) -> String {
        var hash: UInt32 = 2_166_136_261  // FNV-1a of the prefix
        for byte in prefix.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let h = String(hash, radix: 16)
        let p = String(person, radix: 16)
        let d = String(day, radix: 16)
        let tail = String(repeating: "0", count: Swift.max(0, 12 - p.count - d.count)) + p + d
        return String(repeating: "0", count: 8 - h.count) + h + "-0000-4000-8000-" + tail
    }
}
