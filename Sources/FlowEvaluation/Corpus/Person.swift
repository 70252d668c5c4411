/// One synthetic developer: how they type and how their editor reports.
///
/// Typing paces span what keystroke studies report (Dhakal et al., CHI 2018, 136 M
/// keystrokes: mean inter-key intervals from under 100 ms for the fastest typists to several
/// hundred ms), here 55–480 ms for the median interval in flow.
public struct Person: Hashable, Sendable {
    /// Name used as the replay `user`.
    public var name: String
    /// Median keystroke interval while in flow, ms.
    public var medianIntervalMs: Double
    /// Spread of intervals within a burst (standard deviation of log2), octaves.
    public var spreadOctaves: Double
    /// How much slower ordinary (non-flow) typing is (× the median).
    public var ordinarySlowdown: Double
    /// How much less even ordinary typing is (octaves added to the spread).
    public var ordinaryExtraSpread: Double
    /// The editor's window length, ms (clients send every 5–15 s).
    public var windowMs: Int64
    /// Whether the editor keeps focus while this person sits idle (reading elsewhere on
    /// screen does not; staring at the code does).
    public var keepsFocusWhenIdle: Bool

    /// Creates a person.
    public init(name: String, medianIntervalMs: Double, spreadOctaves: Double, ordinarySlowdown: Double,
                ordinaryExtraSpread: Double, windowMs: Int64, keepsFocusWhenIdle: Bool) {
        self.name = name
        self.medianIntervalMs = medianIntervalMs
        self.spreadOctaves = spreadOctaves
        self.ordinarySlowdown = ordinarySlowdown
        self.ordinaryExtraSpread = ordinaryExtraSpread
        self.windowMs = windowMs
        self.keepsFocusWhenIdle = keepsFocusWhenIdle
    }

    /// `count` people whose median intervals are spread log-evenly over 55–480 ms (each
    /// jittered by up to ±8 %, the extremes kept), with random variability and habits.
    public static func cohort(count: Int, namePrefix: String,
                              using rng: inout some RandomNumberGenerator) -> [Person] {
        let n = Swift.max(count, 1)
        return (0..<n).map { index in
            let position = n == 1 ? 0.5 : Double(index) / Double(n - 1)
            var median = 55 * SamplingMath.exp(position * SamplingMath.log(480.0 / 55.0))
            if index > 0, index < n - 1 { median *= SamplingMath.uniform(0.92...1.08, &rng) }
            let windows: [Int64] = [5_000, 10_000, 10_000, 15_000]
            return Person(
                name: "\(namePrefix)\(index + 1)",
                medianIntervalMs: median,
                spreadOctaves: SamplingMath.uniform(0.35...0.65, &rng),
                ordinarySlowdown: SamplingMath.uniform(1.1...1.5, &rng),
                ordinaryExtraSpread: SamplingMath.uniform(0.05...0.3, &rng),
                windowMs: windows[Int(SamplingMath.unit(&rng) * Double(windows.count)) % windows.count],
                keepsFocusWhenIdle: SamplingMath.chance(0.6, &rng))
        }
    }
}
