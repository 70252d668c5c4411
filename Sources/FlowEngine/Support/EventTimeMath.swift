/// Small numeric helpers that keep FlowEngine free of Foundation and Glibc: the standard
/// library has `squareRoot()` but no `exp`, so the event-time decay uses the one below.
enum EventTimeMath {
    /// `e^x` for `x ≤ 0` (the only range decay needs), accurate to ~1e-15 relative.
    ///
    /// Range reduction `x = k·ln2 + r` with `|r| ≤ ln2/2`, a degree-11 Taylor polynomial for
    /// `e^r`, then scaling by `2^k`. Returns 0 below -700 and 1 for positive or NaN input.
    static func expNegative(_ x: Double) -> Double {
        guard x < 0 else { return 1 }
        if x < -700 { return 0 }
        let ln2 = 0.693_147_180_559_945_3
        let k = (x * 1.442_695_040_888_963_4).rounded()  // x / ln2
        let r = x - k * ln2
        // Taylor coefficients 1/n! in Horner form: no divisions on the per-update path.
        var sum = 2.505_210_838_544_172e-8  // 1/11!
        sum = sum * r + 2.755_731_922_398_589_1e-7  // 1/10!
        sum = sum * r + 2.755_731_922_398_589_1e-6  // 1/9!
        sum = sum * r + 2.480_158_730_158_730_2e-5  // 1/8!
        sum = sum * r + 1.984_126_984_126_984_1e-4  // 1/7!
        sum = sum * r + 1.388_888_888_888_888_9e-3  // 1/6!
        sum = sum * r + 8.333_333_333_333_333_2e-3  // 1/5!
        sum = sum * r + 4.166_666_666_666_666_4e-2  // 1/4!
        sum = sum * r + 0.166_666_666_666_666_66  // 1/3!
        sum = sum * r + 0.5
        sum = sum * r + 1
        sum = sum * r + 1
        return Double(sign: .plus, exponent: Int(k), significand: sum)
    }

    /// The decay factor after `elapsedMs` for a half-life of `halfLifeMs`: `0.5^(t/h)`.
    static func decay(elapsedMs: Int64, halfLifeMs: Int64) -> Double {
        guard elapsedMs > 0 else { return 1 }
        guard halfLifeMs > 0 else { return 0 }
        return expNegative(-0.693_147_180_559_945_3 * Double(elapsedMs) / Double(halfLifeMs))
    }

    /// `value` clamped to [0, 1]; NaN becomes 0.
    static func unit(_ value: Double) -> Double {
        guard value > 0 else { return 0 }
        return value < 1 ? value : 1
    }

    /// Linear ramp: 1 at or below `full`, 0 at or above `zero` (`full < zero`).
    static func falling(_ value: Double, full: Double, zero: Double) -> Double {
        if value <= full { return 1 }
        if value >= zero { return 0 }
        return unit((zero - value) / (zero - full))
    }

    /// `value / whole` clamped to [0, 1]; 0 when `whole` is not positive.
    static func share(_ value: Int64, of whole: Int64) -> Double {
        guard whole > 0, value > 0 else { return 0 }
        return unit(Double(value) / Double(whole))
    }
}
