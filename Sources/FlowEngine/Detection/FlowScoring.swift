/// The four detector components as scores in [0, 1] (higher is better) and their
/// combination. Seed 004 added an error *penalty* with a positive weight and raw focus
/// seconds × 0.1 (unbounded); here every component is normalised and rates are per minute,
/// so the window length does not change the answer.
enum FlowScoring {
    /// Seed 004's rhythm bands, as written: 100–300 ms with CoV < 0.5 → 0.9; 100–500 ms with
    /// CoV < 0.8 → 0.7; otherwise 0.3; fewer than 5 intervals → 0 (no evidence).
    static func seedBands(mean: Double, coefficientOfVariation cov: Double) -> Double {
        if mean >= 100, mean <= 300, cov < 0.5 { return 0.9 }
        if mean >= 100, mean <= 500, cov < 0.8 { return 0.7 }
        return 0.3
    }

    /// Rhythm against the personal baseline: `pace × consistency`.
    ///
    /// - pace: the window's geometric-mean interval against the user's median, in octaves
    ///   (`d`): full score from 1 octave faster to ½ octave slower, zero at 1½ octaves slower
    ///   or 2½ octaves faster.
    /// - consistency: the window's log2 deviation against the user's usual one (clamped to
    ///   0.5…0.9 octaves so a habitually bursty user is not called steady): full at or below
    ///   it, zero ½ octave above it.
    static func personalRhythm(_ rhythm: KeystrokeRhythm, medianLogIndex: Double,
                               typicalDeviation: Double) -> Double {
        let d = (rhythm.logMean - medianLogIndex) / Double(KeystrokeRhythm.logUnitsPerOctave)
        let pace = d >= 0
            ? EventTimeMath.falling(d, full: 0.5, zero: 1.5)
            : EventTimeMath.falling(-d, full: 1.0, zero: 2.5)
        let reference = Swift.min(Swift.max(typicalDeviation, 0.5), 0.9)
        let consistency = EventTimeMath.falling(
            rhythm.logDeviationOctaves, full: reference, zero: reference + 0.5)
        return pace * consistency
    }

    /// Few context switches per minute: `1 / (1 + (rate/8)²)` (3/min → 0.88, 6/min → 0.64,
    /// 12/min → 0.31, 24/min → 0.1).
    static func focus(switchesPerMinute rate: Double) -> Double {
        let x = Swift.max(0, rate) / 8
        return EventTimeMath.unit(1 / (1 + x * x))
    }

    /// Few error events per minute: `1 / (1 + (rate/8)²)` (same curve as switches).
    static func errors(perMinute rate: Double) -> Double {
        let x = Swift.max(0, rate) / 8
        return EventTimeMath.unit(1 / (1 + x * x))
    }

    /// Combines components as a *weighted harmonic mean* with the seed's weights. Unlike the
    /// seed's weighted sum, one very bad component cannot be outvoted by the others (perfect
    /// typing with an error storm is not flow). Components are floored at 0.01.
    static func combine(_ c: FlowComponents, settings: DetectorSettings) -> Double {
        let weights = Swift.max(0, settings.rhythmWeight) + Swift.max(0, settings.focusWeight)
            + Swift.max(0, settings.errorWeight) + Swift.max(0, settings.focusTimeWeight)
        guard weights > 0, weights.isFinite else { return 0 }
        let denominator = Swift.max(0, settings.rhythmWeight) / Swift.max(c.rhythm, 0.01)
            + Swift.max(0, settings.focusWeight) / Swift.max(c.focus, 0.01)
            + Swift.max(0, settings.errorWeight) / Swift.max(c.errors, 0.01)
            + Swift.max(0, settings.focusTimeWeight) / Swift.max(c.focusTime, 0.01)
        return EventTimeMath.unit(weights / denominator)
    }
}

/// Exponentially decayed sums over event time (the EWMA that smooths every component).
/// Rates are ratios of decayed sums, so a window's weight is its length.
struct SmoothedSignals: Sendable {
    /// Decayed window time, ms.
    var timeMs = 0.0
    /// Decayed time of windows with typing (the rhythm evidence), ms.
    var typingTimeMs = 0.0
    /// Decayed Σ rhythm × window time over typing windows.
    var rhythmTime = 0.0
    /// Decayed context switches.
    var switches = 0.0
    /// Decayed error events.
    var errors = 0.0
    /// Decayed focus time, ms.
    var focusMs = 0.0

    /// Multiplies everything by `factor` (time passed).
    mutating func decay(by factor: Double) {
        timeMs *= factor
        typingTimeMs *= factor
        rhythmTime *= factor
        switches *= factor
        errors *= factor
        focusMs *= factor
    }

    /// The smoothed components.
    func components() -> FlowComponents {
        let time = Swift.max(timeMs, 1000)
        return FlowComponents(
            rhythm: typingTimeMs > 0 ? EventTimeMath.unit(rhythmTime / typingTimeMs) : 0,
            focus: FlowScoring.focus(switchesPerMinute: switches / time * 60_000),
            errors: FlowScoring.errors(perMinute: errors / time * 60_000),
            focusTime: timeMs > 0 ? EventTimeMath.unit(focusMs / timeMs) : 0)
    }

    /// Smoothed switches per minute.
    var switchesPerMinute: Double { switches / Swift.max(timeMs, 1000) * 60_000 }
}
