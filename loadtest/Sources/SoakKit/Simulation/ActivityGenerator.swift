/// The simulated editor of one session: produces the `activity` windows of a person with a
/// `TypistProfile`, moving through work phases so the server's detector sees warm-up, flow,
/// interruptions, recovery and idle gaps.
///
/// Deterministic for a given generator: the randomness comes in as an argument, so tests
/// replay a session exactly from a seed. Event time (`at_ms`) advances by `windowMs` per
/// window plus the idle gaps; it is independent of how fast the soak sends (a run with a
/// 1 s send interval and 10 s windows compresses ten minutes of editing into one).
public struct ActivityGenerator: Sendable {
    /// What the person is doing.
    public enum Phase: Sendable, Equatable, CaseIterable {
        /// Steady, fast typing, no switching: the detector should reach `flow`.
        case focused
        /// Ordinary work: pauses, a few switches and errors.
        case normal
        /// A storm of context switches and errors: interrupts a flow period.
        case storm
        /// Away from the keyboard: event time jumps ahead, nothing is typed.
        case idle
    }

    /// Target number of keystroke intervals per window while typing steadily.
    public static let targetIntervals = 64
    /// PROTOCOL.md: at most 512 intervals per `activity`.
    public static let maximumIntervals = 512

    /// The person.
    public let profile: TypistProfile
    /// Event-time length of each window.
    public let windowMs: Int64
    /// Current phase.
    public private(set) var phase: Phase
    /// Windows left in the current phase.
    public private(set) var windowsLeftInPhase: Int
    /// Event time of the end of the last window (the session's start before the first).
    public private(set) var clockMs: Int64
    /// Seq of the next window.
    public private(set) var nextSeq: Int64 = 1

    /// A session starting at event time `startMs`, in a phase drawn from the profile.
    public init<G: RandomNumberGenerator>(profile: TypistProfile, windowMs: Int64, startMs: Int64, using generator: inout G) {
        precondition(windowMs >= 1, "ActivityGenerator: windowMs must be positive")
        self.profile = profile
        self.windowMs = windowMs
        self.clockMs = startMs
        self.phase = .normal
        self.windowsLeftInPhase = 0
        enterPhase(Self.drawPhase(profile, excluding: .idle, using: &generator), using: &generator)
    }

    /// The next window of the session.
    public mutating func next<G: RandomNumberGenerator>(using generator: inout G) -> ActivityWindow {
        if windowsLeftInPhase == 0 {
            enterPhase(Self.drawPhase(profile, excluding: phase, using: &generator), using: &generator)
        }
        windowsLeftInPhase -= 1
        clockMs += windowMs
        let seq = nextSeq
        nextSeq += 1
        switch phase {
        case .idle:
            return ActivityWindow(
                seq: seq, atMs: clockMs, windowMs: windowMs, keystrokes: 0, keystrokeIntervals: [],
                contextSwitches: 0, errorEvents: 0, focusMs: 0, filesModified: 0, linesAdded: 0,
                linesDeleted: 0, fileSaved: false)
        case .focused, .normal, .storm:
            return typingWindow(seq: seq, using: &generator)
        }
    }

    private mutating func typingWindow<G: RandomNumberGenerator>(seq: Int64, using generator: inout G) -> ActivityWindow {
        let target: Int
        let scale: Double
        let spreadScale: Double
        let pauseChance: Double
        switch phase {
        case .focused: (target, scale, spreadScale, pauseChance) = (Self.targetIntervals + Self.uniform(-8...8, &generator), 0.9, 0.7, 0.01)
        case .normal: (target, scale, spreadScale, pauseChance) = (48 + Self.uniform(-16...16, &generator), 1.0, 1.0, 0.05)
        case .storm, .idle: (target, scale, spreadScale, pauseChance) = (12 + Self.uniform(-8...8, &generator), 1.3, 1.5, 0.2)
        }
        var intervals: [Int32] = []
        intervals.reserveCapacity(target)
        var sum: Int64 = 0
        while intervals.count < Swift.min(target, Self.maximumIntervals) {
            var value = profile.interval(scale: scale, spreadScale: spreadScale, using: &generator)
            if generator.unitInterval() < pauseChance { value = Int32(1_500 + Self.uniform(0...4_500, &generator)) }
            if sum + Int64(value) > windowMs { break }
            sum += Int64(value)
            intervals.append(value)
        }
        let keystrokes = intervals.isEmpty ? 0 : Int64(intervals.count + 1)
        let linesAdded = keystrokes / 30 + Int64(Self.uniform(0...2, &generator))
        let linesDeleted = linesAdded / 4 + Int64(Self.uniform(0...1, &generator))
        let switches: Int
        let errors: Int
        let focusShare: Double
        let files: Int
        switch phase {
        case .focused:
            (switches, errors, focusShare, files) = (generator.unitInterval() < 0.05 ? 1 : 0, Self.uniform(0...1, &generator), 1.0, 1)
        case .normal:
            (switches, errors, focusShare, files) = (Self.uniform(0...2, &generator), Self.uniform(0...3, &generator),
                                                    0.6 + 0.35 * generator.unitInterval(), Self.uniform(1...3, &generator))
        case .storm, .idle:
            (switches, errors, focusShare, files) = (Self.uniform(4...12, &generator), Self.uniform(2...8, &generator),
                                                    0.1 + 0.4 * generator.unitInterval(), Self.uniform(2...6, &generator))
        }
        return ActivityWindow(
            seq: seq, atMs: clockMs, windowMs: windowMs, keystrokes: keystrokes, keystrokeIntervals: intervals,
            contextSwitches: Int64(switches), errorEvents: Int64(errors),
            focusMs: Int64((Double(windowMs) * focusShare).rounded()), filesModified: Int64(files),
            linesAdded: linesAdded, linesDeleted: linesDeleted, fileSaved: generator.unitInterval() < 0.2)
    }

    /// Starts `next`, with its length in windows; an idle phase first jumps event time by a
    /// gap of 1–4 minutes (longer than the detector's 90 s idle gap).
    private mutating func enterPhase<G: RandomNumberGenerator>(_ next: Phase, using generator: inout G) {
        phase = next
        // Phase lengths in event time, turned into windows of this session's length.
        let minutes: Double
        switch next {
        case .focused: minutes = 3 + 7 * generator.unitInterval()
        case .normal: minutes = 1 + 3 * generator.unitInterval()
        case .storm: minutes = 0.3 + 0.7 * generator.unitInterval()
        case .idle:
            minutes = 0
            clockMs += Int64(60_000 + Self.uniform(0...180_000, &generator))
        }
        windowsLeftInPhase = Swift.max(1, Int((minutes * 60_000 / Double(windowMs)).rounded()))
    }

    /// A phase other than `excluded`, by the profile's weights.
    static func drawPhase<G: RandomNumberGenerator>(_ profile: TypistProfile, excluding excluded: Phase, using generator: inout G) -> Phase {
        let weights: [(Phase, Double)] = [
            (.focused, profile.focusWeight), (.normal, profile.normalWeight),
            (.storm, profile.stormWeight), (.idle, profile.idleWeight),
        ].filter { $0.0 != excluded }
        let total = weights.reduce(0) { $0 + $1.1 }
        var pick = generator.unitInterval() * total
        for (phase, weight) in weights {
            if pick < weight { return phase }
            pick -= weight
        }
        return weights[weights.count - 1].0
    }

    @inline(__always)
    static func uniform<G: RandomNumberGenerator>(_ range: ClosedRange<Int>, _ generator: inout G) -> Int {
        Int.random(in: range, using: &generator)
    }
}
