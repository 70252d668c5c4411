/// The four detector components as scores in [0, 1] (higher is better) and their
/// combination. Seed 004 added an error *penalty* with a positive weight and raw focus
/// seconds × 0.1 (unbounded); here every component is normalised and rates are per minute,
/// so the window length does not change the answer.
///
/// The settings come as the detector's shared object, not as a `DetectorSettings` value:
/// passing the value copied the whole struct on every window.
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

    /// Few context switches per minute: 1 up to ``DetectorSettings/switchesFullPerMinute``,
    /// falling linearly to 0 at ``DetectorSettings/switchesZeroPerMinute``. A steep ramp, so
    /// that the 1.5–4 switches a minute of ordinary work deny flow however steady the typing.
    static func focus(switchesPerMinute rate: Double, settings: SharedDetectorSettings) -> Double {
        ramp(rate, full: settings.value.switchesFullPerMinute, zero: settings.value.switchesZeroPerMinute)
    }

    /// Few error events per minute: the same ramp between ``DetectorSettings/errorsFullPerMinute``
    /// and ``DetectorSettings/errorsZeroPerMinute``.
    static func errors(perMinute rate: Double, settings: SharedDetectorSettings) -> Double {
        ramp(rate, full: settings.value.errorsFullPerMinute, zero: settings.value.errorsZeroPerMinute)
    }

    /// The editor's share of the time: 0 at ``DetectorSettings/focusShareZero``, 1 from
    /// ``DetectorSettings/focusShareFull``.
    static func focusTime(share: Double, settings: SharedDetectorSettings) -> Double {
        let full = settings.value.focusShareFull, zero = settings.value.focusShareZero
        let span = full - zero
        guard span > 0 else { return share >= full ? 1 : 0 }
        return EventTimeMath.unit((share - zero) / span)
    }

    /// 1 at or below `full`, 0 at or above `zero`, linear between (a step when they meet).
    private static func ramp(_ value: Double, full: Double, zero: Double) -> Double {
        guard zero > full else { return value <= full ? 1 : 0 }
        return EventTimeMath.falling(Swift.max(0, value), full: full, zero: zero)
    }

    /// Combines components as a *weighted harmonic mean* with the seed's weights. Unlike the
    /// seed's weighted sum, one very bad component cannot be outvoted by the others (perfect
    /// typing with an error storm is not flow). Components are floored at 0.01.
    static func combine(_ c: FlowComponents, settings shared: SharedDetectorSettings) -> Double {
        let rhythmWeight = Swift.max(0, shared.value.rhythmWeight)
        let focusWeight = Swift.max(0, shared.value.focusWeight)
        let errorWeight = Swift.max(0, shared.value.errorWeight)
        let focusTimeWeight = Swift.max(0, shared.value.focusTimeWeight)
        let weights = rhythmWeight + focusWeight + errorWeight + focusTimeWeight
        guard weights > 0, weights.isFinite else { return 0 }
        let denominator = rhythmWeight / Swift.max(c.rhythm, 0.01)
            + focusWeight / Swift.max(c.focus, 0.01)
            + errorWeight / Swift.max(c.errors, 0.01)
            + focusTimeWeight / Swift.max(c.focusTime, 0.01)
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
    func components(settings: SharedDetectorSettings) -> FlowComponents {
        let time = Swift.max(timeMs, 1000)
        return FlowComponents(
            rhythm: typingTimeMs > 0 ? EventTimeMath.unit(rhythmTime / typingTimeMs) : 0,
            focus: FlowScoring.focus(switchesPerMinute: switches / time * 60_000, settings: settings),
            errors: FlowScoring.errors(perMinute: errors / time * 60_000, settings: settings),
            focusTime: FlowScoring.focusTime(share: timeMs > 0 ? focusMs / timeMs : 0, settings: settings))
    }

    /// Smoothed switches per minute.
    var switchesPerMinute: Double { switches / Swift.max(timeMs, 1000) * 60_000 }
}
