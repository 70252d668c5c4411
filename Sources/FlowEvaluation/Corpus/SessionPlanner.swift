/// The phase sequence of a session: a Markov chain over phase kinds with per-kind durations.
///
/// The shape follows field studies of developers' days: activity and task switches every few
/// minutes, flow stretches of tens of minutes, interruptions that take many minutes to recover
/// from (Meyer et al., FSE 2014 and TSE 2017; Mark et al., CHI 2005/2008; Parnin & Rugaber
/// 2011). See docs/FLOW_ENGINE.md, "Evaluation corpus", for the argument.
enum SessionPlanner {
    /// A planned stretch: its kind and length.
    struct Step: Sendable {
        var kind: PhaseKind
        var durationMs: Int64
    }

    /// Minutes a phase of `kind` lasts.
    static func minutes(_ kind: PhaseKind) -> ClosedRange<Double> {
        switch kind {
        case .deepFlow: 12...40
        case .ordinaryWork: 4...15
        case .distracted: 3...10
        case .idle: 2...8
        case .away: 5...20
        case .switchStorm: 1...3
        case .errorStorm: 1...4
        case .thinkingPause: 0.2...1
        }
    }

    /// What follows `kind`, with weights.
    static func successors(_ kind: PhaseKind) -> [(PhaseKind, Double)] {
        switch kind {
        case .ordinaryWork:
            [(.deepFlow, 45), (.distracted, 18), (.idle, 10), (.away, 9), (.errorStorm, 9), (.switchStorm, 9)]
        case .deepFlow, .thinkingPause:
            [(.ordinaryWork, 35), (.idle, 18), (.away, 14), (.distracted, 11), (.switchStorm, 11), (.errorStorm, 11)]
        case .distracted:
            [(.ordinaryWork, 45), (.deepFlow, 20), (.away, 15), (.idle, 20)]
        case .idle:
            [(.ordinaryWork, 40), (.deepFlow, 35), (.distracted, 15), (.away, 10)]
        case .away:
            [(.ordinaryWork, 60), (.deepFlow, 25), (.distracted, 15)]
        case .switchStorm, .errorStorm:
            [(.ordinaryWork, 50), (.deepFlow, 35), (.distracted, 15)]
        }
    }

    /// Phases filling `totalMs`, starting with ordinary work or flow.
    static func plan(totalMs: Int64, using rng: inout some RandomNumberGenerator) -> [Step] {
        var steps: [Step] = []
        var kind: PhaseKind = SamplingMath.chance(0.3, &rng) ? .deepFlow : .ordinaryWork
        var total: Int64 = 0
        while total < totalMs {
            let length = Int64(SamplingMath.uniform(minutes(kind), &rng) * 60_000)
            let clipped = Swift.min(length, totalMs - total)
            steps.append(Step(kind: kind, durationMs: clipped))
            total += clipped
            kind = next(after: kind, &rng)
        }
        return steps
    }

    /// Splits a flow phase into typing stretches and thinking pauses: a pause of 10–60 s
    /// after every 1–6 min of typing (reading code, thinking a step through).
    static func flowStretches(durationMs: Int64, using rng: inout some RandomNumberGenerator) -> [Step] {
        var steps: [Step] = []
        var remaining = durationMs
        while remaining > 0 {
            let typing = Int64(SamplingMath.uniform(1...6, &rng) * 60_000)
            let pause = Int64(SamplingMath.uniform(10...60, &rng) * 1000)
            if typing + pause + 60_000 >= remaining {
                steps.append(Step(kind: .deepFlow, durationMs: remaining))
                break
            }
            steps.append(Step(kind: .deepFlow, durationMs: typing))
            steps.append(Step(kind: .thinkingPause, durationMs: pause))
            remaining -= typing + pause
        }
        return steps
    }

    private static func next(after kind: PhaseKind, _ rng: inout some RandomNumberGenerator) -> PhaseKind {
        let options = successors(kind)
        let total = options.reduce(0) { $0 + $1.1 }
        var pick = SamplingMath.unit(&rng) * total
        for (candidate, weight) in options {
            pick -= weight
            if pick < 0 { return candidate }
        }
        return options[options.count - 1].0
    }
}
