import Glibc

/// How one simulated person types and works: drawn once per simulated user, so the server
/// sees a population of distinct rhythms rather than one synthetic one.
///
/// Intervals are log-normal around `medianIntervalMs` (typing-speed studies find
/// inter-key intervals right-skewed and close to log-normal). Phase weights decide how
/// often the person falls into a focused stretch, a storm of context switches or an idle
/// gap, which is what moves the server's detector through its flow states.
public struct TypistProfile: Sendable, Equatable {
    /// Median ms between keystrokes while typing steadily (fast typists ~90, slow ~300).
    public var medianIntervalMs: Double
    /// Standard deviation of the log-interval (rhythm irregularity), 0.2…0.6.
    public var spread: Double
    /// Relative weight of a focused phase when a phase ends.
    public var focusWeight: Double
    /// Relative weight of an ordinary phase.
    public var normalWeight: Double
    /// Relative weight of a switching storm.
    public var stormWeight: Double
    /// Relative weight of an idle gap.
    public var idleWeight: Double

    /// Creates a profile from explicit values (tests, fixed scenarios).
    public init(medianIntervalMs: Double, spread: Double, focusWeight: Double, normalWeight: Double,
                stormWeight: Double, idleWeight: Double) {
        self.medianIntervalMs = medianIntervalMs
        self.spread = spread
        self.focusWeight = focusWeight
        self.normalWeight = normalWeight
        self.stormWeight = stormWeight
        self.idleWeight = idleWeight
    }

    /// Draws a person: a third fast typists, a third average, a third slow; focus and
    /// distraction tendencies vary independently of speed.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> TypistProfile {
        let speedClass = generator.next() % 3
        let median: Double
        switch speedClass {
        case 0: median = 85 + 40 * generator.unitInterval()       // fast: 85–125 ms
        case 1: median = 130 + 70 * generator.unitInterval()      // average: 130–200 ms
        default: median = 210 + 120 * generator.unitInterval()    // slow: 210–330 ms
        }
        return TypistProfile(
            medianIntervalMs: median,
            spread: 0.2 + 0.4 * generator.unitInterval(),
            focusWeight: 1 + 4 * generator.unitInterval(),
            normalWeight: 2 + 2 * generator.unitInterval(),
            stormWeight: 0.3 + 1.2 * generator.unitInterval(),
            idleWeight: 0.3 + 0.9 * generator.unitInterval()
        )
    }

    /// One keystroke interval for the given rhythm multiplier and spread multiplier,
    /// clamped to 20 ms…60 s.
    func interval<G: RandomNumberGenerator>(scale: Double, spreadScale: Double, using generator: inout G) -> Int32 {
        let value = medianIntervalMs * scale * exp(spread * spreadScale * generator.standardNormal())
        return Int32(Swift.min(Swift.max(value.rounded(), 20), 60_000))
    }
}
