/// The few transcendental functions the corpus generator needs, written out so the module
/// stays pure (no Foundation or Glibc, like FlowEngine), and the distributions built on them.
/// Randomness always comes from the caller's generator, so a corpus is a function of its seed.
enum SamplingMath {
    /// Natural logarithm for `x > 0` (0 for anything else): `x = m·2^e` with `m` in [1, 2),
    /// `ln m = 2·atanh((m−1)/(m+1))` as a series (|z| ≤ 1/3, 14 terms: ~1e-15).
    static func log(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 0 }
        let m = x.significand
        let z = (m - 1) / (m + 1)
        let z2 = z * z
        var term = z
        var sum = 0.0
        var k = 1.0
        for _ in 0..<14 {
            sum += term / k
            term *= z2
            k += 2
        }
        return 2 * sum + Double(x.exponent) * 0.693_147_180_559_945_3
    }

    /// `e^x` (x clamped to ±700): `x = k·ln2 + r`, a Taylor polynomial for `e^r`, scaled by `2^k`.
    static func exp(_ x: Double) -> Double {
        let clamped = Swift.min(Swift.max(x, -700), 700)
        let k = (clamped * 1.442_695_040_888_963_4).rounded()
        let r = clamped - k * 0.693_147_180_559_945_3
        var sum = 1.0
        var term = 1.0
        for n in 1...14 {
            term *= r / Double(n)
            sum += term
        }
        return Double(sign: .plus, exponent: Int(k), significand: sum)
    }

    /// Uniform in [0, 1).
    static func unit(_ rng: inout some RandomNumberGenerator) -> Double {
        Double(rng.next() >> 11) / Double(UInt64(1) << 53)
    }

    /// Uniform in `range`.
    static func uniform(_ range: ClosedRange<Double>, _ rng: inout some RandomNumberGenerator) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit(&rng)
    }

    /// `true` with probability `p`.
    static func chance(_ p: Double, _ rng: inout some RandomNumberGenerator) -> Bool { unit(&rng) < p }

    /// Standard normal (Marsaglia's polar method: needs only `log` and a square root).
    static func normal(_ rng: inout some RandomNumberGenerator) -> Double {
        while true {
            let u = 2 * unit(&rng) - 1
            let v = 2 * unit(&rng) - 1
            let s = u * u + v * v
            if s > 0, s < 1 { return u * (-2 * log(s) / s).squareRoot() }
        }
    }

    /// Log-normal around `median` with a spread of `octaves` (standard deviation of log2).
    static func logNormal(median: Double, octaves: Double, _ rng: inout some RandomNumberGenerator) -> Double {
        median * exp(0.693_147_180_559_945_3 * octaves * normal(&rng))
    }

    /// Log-uniform in `range` (durations of pauses: as many short as long ones per octave).
    static func logUniform(_ range: ClosedRange<Double>, _ rng: inout some RandomNumberGenerator) -> Double {
        let low = log(range.lowerBound)
        return exp(low + (log(range.upperBound) - low) * unit(&rng))
    }

    /// Poisson count with mean `mean` (inversion; means here are small).
    static func poisson(mean: Double, _ rng: inout some RandomNumberGenerator) -> Int64 {
        guard mean > 0 else { return 0 }
        let limit = exp(-Swift.min(mean, 600))
        var product = unit(&rng)
        var count: Int64 = 0
        while product > limit, count < 10_000 {
            product *= unit(&rng)
            count += 1
        }
        return count
    }
}
