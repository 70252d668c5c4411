/// The rates of one phase, drawn once when the phase begins (a phase is homogeneous; the
/// next phase of the same kind may differ).
struct PhaseStyle: Sendable {
    var kind: PhaseKind
    var switchesPerMinute: Double
    var errorsPerMinute: Double
    /// Share of the window the editor has focus.
    var focusShare: Double

    /// Draws the style of a phase of `kind` for `person`. The ranges are those of the labelled
    /// corpora this generator stands in for (see docs/FLOW_ENGINE.md, "Evaluation corpus").
    static func draw(_ kind: PhaseKind, person: Person, using rng: inout some RandomNumberGenerator) -> PhaseStyle {
        func u(_ range: ClosedRange<Double>) -> Double { SamplingMath.uniform(range, &rng) }
        switch kind {
        case .deepFlow, .thinkingPause:
            return PhaseStyle(kind: kind, switchesPerMinute: u(0...0.5), errorsPerMinute: u(0...0.3),
                              focusShare: u(0.96...1))
        case .ordinaryWork:
            return PhaseStyle(kind: kind, switchesPerMinute: u(1.5...4), errorsPerMinute: u(0.5...2),
                              focusShare: u(0.75...0.95))
        case .distracted:
            return PhaseStyle(kind: kind, switchesPerMinute: u(6...14), errorsPerMinute: u(0...1),
                              focusShare: u(0.3...0.7))
        case .idle:
            return PhaseStyle(kind: kind, switchesPerMinute: u(0...0.5), errorsPerMinute: 0,
                              focusShare: person.keepsFocusWhenIdle ? 1 : u(0...0.2))
        case .away:
            return PhaseStyle(kind: kind, switchesPerMinute: 0, errorsPerMinute: 0, focusShare: 0)
        case .switchStorm:
            return PhaseStyle(kind: kind, switchesPerMinute: u(8...16), errorsPerMinute: u(0...0.5),
                              focusShare: u(0.6...0.85))
        case .errorStorm:
            return PhaseStyle(kind: kind, switchesPerMinute: u(0...1), errorsPerMinute: u(4...10),
                              focusShare: u(0.93...1))
        }
    }
}
