import FlowEngine

/// Makes one `activity` window of a phase for a person.
///
/// Typing is a sequence of keystroke intervals: log-normal within bursts around the person's
/// pace (keystroke intervals are right-skewed and close to log-normal), broken by pauses at
/// line ends and while thinking. Counts of switches and errors are Poisson at the phase's
/// rate, so a 10-s window of ordinary work often shows none — as real windows do.
enum WindowSynthesizer {
    /// How keystrokes of one kind of typing are spaced.
    struct Typing {
        var medianMs: Double
        var spreadOctaves: Double
        /// Mean keystrokes between pauses.
        var keysPerPause: Double
        var pauseMs: ClosedRange<Double>
        /// Probability that the window has no typing at all.
        var silentWindow: Double
    }

    static func typing(for kind: PhaseKind, person: Person) -> Typing? {
        let median = person.medianIntervalMs
        switch kind {
        case .deepFlow:
            return Typing(medianMs: median, spreadOctaves: person.spreadOctaves, keysPerPause: 30,
                          pauseMs: 600...3_000, silentWindow: 0)
        case .ordinaryWork:
            return Typing(medianMs: median * person.ordinarySlowdown,
                          spreadOctaves: person.spreadOctaves + person.ordinaryExtraSpread,
                          keysPerPause: 16, pauseMs: 800...6_000, silentWindow: 0.08)
        case .distracted:
            return Typing(medianMs: median * person.ordinarySlowdown,
                          spreadOctaves: person.spreadOctaves + person.ordinaryExtraSpread,
                          keysPerPause: 6, pauseMs: 2_000...12_000, silentWindow: 0.5)
        case .switchStorm:
            return Typing(medianMs: median * 0.9, spreadOctaves: person.spreadOctaves, keysPerPause: 30,
                          pauseMs: 600...3_000, silentWindow: 0)
        case .errorStorm:
            return Typing(medianMs: median, spreadOctaves: person.spreadOctaves, keysPerPause: 25,
                          pauseMs: 600...4_000, silentWindow: 0)
        case .thinkingPause, .idle, .away:
            return nil
        }
    }

    /// One window of `style` for `person` (seq and time are set by the caller).
    static func window(_ style: PhaseStyle, person: Person, windowMs: Int64,
                       using rng: inout some RandomNumberGenerator) -> ActivityWindow {
        let minutes = Double(windowMs) / 60_000
        var window = ActivityWindow(atMs: 0, windowMs: windowMs)
        window.contextSwitches = SamplingMath.poisson(mean: style.switchesPerMinute * minutes, &rng)
        window.errorEvents = SamplingMath.poisson(mean: style.errorsPerMinute * minutes, &rng)
        let jitter = SamplingMath.uniform(-0.03...0.03, &rng)
        let share = Swift.min(Swift.max(style.focusShare + jitter, 0), 1)
        window.focusMs = style.focusShare <= 0 ? 0 : Int64(Double(windowMs) * share)
        guard let typing = typing(for: style.kind, person: person),
              !SamplingMath.chance(typing.silentWindow, &rng) else { return window }
        var intervals: [Int32] = []
        var elapsed = 0.0
        // A window starts at a random point of the typing: sometimes mid-pause.
        if SamplingMath.chance(1 / typing.keysPerPause * 4, &rng) {
            elapsed = SamplingMath.logUniform(typing.pauseMs, &rng)
        }
        while elapsed < Double(windowMs) {
            let value: Double
            if SamplingMath.chance(1 / typing.keysPerPause, &rng) {
                value = SamplingMath.logUniform(typing.pauseMs, &rng)
            } else {
                value = Swift.max(12, SamplingMath.logNormal(
                    median: typing.medianMs, octaves: typing.spreadOctaves, &rng))
            }
            elapsed += value
            guard elapsed < Double(windowMs) else { break }
            intervals.append(Int32(value))
        }
        guard !intervals.isEmpty else { return window }
        // The protocol carries the most recent 512.
        if intervals.count > ActivityWindow.maximumIntervals {
            intervals.removeFirst(intervals.count - ActivityWindow.maximumIntervals)
        }
        window.keystrokes = Int64(intervals.count + 1)
        window.keystrokeIntervals = intervals
        window.filesModified = 1
        window.linesAdded = Int64(intervals.count / 40)
        window.linesDeleted = Int64(intervals.count / 120)
        window.fileSaved = SamplingMath.chance(0.12, &rng)
        window.commit = style.kind == .ordinaryWork && SamplingMath.chance(0.01, &rng)
        window.language = "swift"
        return window
    }
}
