// Fixed-point Double output without Foundation and without `description`: the value is
// decomposed into significand × 2^exponent and rounded exactly in integer arithmetic.

extension JSONWriter {
    /// Writes `double` with exactly `fractionDigits` digits after the decimal point
    /// (none and no point when 0), e.g. `0.847` for `value(0.8472, fractionDigits: 3)`.
    ///
    /// - Rounding is exact: the binary value is rounded to the nearest multiple of
    ///   10^-fractionDigits, ties to even, the same digits as C's `printf("%.*f")`.
    /// - Negative values get a `-`, except when they round to zero (`0.000`, never
    ///   `-0.000`).
    /// - NaN and ±infinity have no JSON form (RFC 8259 §6) and are written as `null`.
    ///
    /// - Precondition: `fractionDigits` is in `0...17`.
    public mutating func value(_ double: Double, fractionDigits: Int) {
        precondition((0...17).contains(fractionDigits), "JSONWriter: fractionDigits must be in 0...17")
        guard double.isFinite else {
            null()
            return
        }
        separateValue()
        let magnitude = double.magnitude
        // magnitude = significand × 2^exponent, significand < 2^53.
        let significand = magnitude.significandBitPattern
            | (magnitude.isNormal ? UInt64(1) << 52 : 0)
        let exponent = magnitude.isNormal ? Int(magnitude.exponentBitPattern) - 1075 : -1074
        let scale = Self.powerOfTen(fractionDigits)
        guard exponent < 0 else {
            // An integer: exact digits, then zeros after the point.
            if double < 0 { bytes.append(UInt8(ascii: "-")) }
            if exponent <= 11 {
                appendDigits(significand << exponent, minimumCount: 1)
            } else {
                appendLargeInteger(significand, shift: exponent)
            }
            appendFraction(0, digits: fractionDigits)
            return
        }
        let (whole, fraction) = Self.fixedPoint(magnitude, scale: scale)
        if double < 0 && (whole != 0 || fraction != 0) { bytes.append(UInt8(ascii: "-")) }
        appendDigits(whole, minimumCount: 1)
        appendFraction(fraction, digits: fractionDigits)
    }

    /// `value` in units of 10^-`fractionDigits`, rounded exactly as ``value(_:fractionDigits:)``
    /// rounds it: 847 for `0.8472` with 3 digits. Writing `Double(units) / 10^fractionDigits`
    /// again gives the same digits, so a message can keep a ratio in 16 bits and still be
    /// re-encoded byte for byte.
    ///
    /// - Precondition: `value` is finite, non-negative and `value × 10^fractionDigits` is
    ///   below 2^52; `fractionDigits` is in `0...17`.
    public static func decimalUnits(_ value: Double, fractionDigits: Int) -> UInt64 {
        precondition((0...17).contains(fractionDigits), "JSONWriter: fractionDigits must be in 0...17")
        precondition(value.isFinite && value >= 0, "JSONWriter: decimalUnits needs a finite, non-negative value")
        let scale = powerOfTen(fractionDigits)
        precondition(value * Double(scale) < 0x1p52, "JSONWriter: decimalUnits needs value × 10^fractionDigits below 2^52")
        let (whole, fraction) = fixedPoint(value, scale: scale)
        return whole &* scale &+ fraction
    }

    /// `magnitude` rounded to the nearest multiple of 1/`scale` (`scale` = 10^digits),
    /// ties to even, as its whole part and its fraction in units of 1/`scale`.
    ///
    /// - Precondition: `magnitude` is finite, non-negative and below 2^52.
    static func fixedPoint(_ magnitude: Double, scale: UInt64) -> (whole: UInt64, fraction: UInt64) {
        // Fast path: one floating-point product. While it is below 2^40 its error is at
        // most 2^-13, so when it lies farther than 2^-10 from a tie (n + 0.5) it rounds to the
        // same integer as the exact product; only near-ties take the exact path.
        let product = magnitude * Double(scale)
        if product < 0x1p40 {
            let nearest = product.rounded(.toNearestOrEven)
            if (product - nearest).magnitude < 0.5 - 0x1p-10 {
                let (whole, fraction) = UInt64(nearest).quotientAndRemainder(dividingBy: scale)
                return (whole, fraction)
            }
        }
        // magnitude = significand × 2^exponent, significand < 2^53, exponent < 0.
        let significand = magnitude.significandBitPattern
            | (magnitude.isNormal ? UInt64(1) << 52 : 0)
        let exponent = magnitude.isNormal ? Int(magnitude.exponentBitPattern) - 1075 : -1074
        // scaled = round(significand × 10^fractionDigits / 2^shift), exactly.
        let shift = -exponent
        let exact = UInt128(significand) * UInt128(scale)  // < 2^110
        var scaled: UInt128 = 0
        if shift < 112 {
            scaled = exact >> shift
            let remainder = exact - (scaled << shift)
            let half = UInt128(1) << (shift - 1)
            if remainder > half || (remainder == half && scaled & 1 == 1) { scaled += 1 }
        }  // else the value is below half a unit of the last digit: 0.
        // The integer part is below 2^52 here, so quotient and remainder fit in UInt64.
        if scaled <= UInt128(UInt64.max) {
            let (whole, fraction) = UInt64(scaled).quotientAndRemainder(dividingBy: scale)
            return (whole, fraction)
        }
        let (q, r) = scaled.quotientAndRemainder(dividingBy: UInt128(scale))
        return (UInt64(q), UInt64(r))
    }

    /// Writes `.` and `fraction` zero-padded to `digits` digits (nothing when 0).
    private mutating func appendFraction(_ fraction: UInt64, digits: Int) {
        guard digits > 0 else { return }
        bytes.append(UInt8(ascii: "."))
        appendDigits(fraction, minimumCount: digits)
    }

    /// Appends `number` in decimal, left-padded with zeros to `minimumCount` digits.
    private mutating func appendDigits(_ number: UInt64, minimumCount: Int) {
        var number = number
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
            var i = 24
            repeat {
                i -= 1
                digits[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: number % 10)
                number /= 10
            } while number > 0 || 24 - i < minimumCount
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<24]))
        }
    }

    /// Appends `significand << shift` (up to 2^1024) in decimal: a cold path for
    /// magnitudes ≥ 2^64, using 32-bit limbs on the stack.
    private mutating func appendLargeInteger(_ significand: UInt64, shift: Int) {
        let limbCount = (53 + shift) / 32 + 2
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: limbCount) { limbs in
            limbs.initialize(repeating: 0)
            // Place significand << shift into little-endian 32-bit limbs.
            let wide = UInt128(significand) << (shift % 32)
            for k in 0..<4 where shift / 32 + k < limbCount {
                limbs[shift / 32 + k] = UInt32(truncatingIfNeeded: wide >> (32 * k))
            }
            // Divide by 10^9 repeatedly; chunks come out least significant first.
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 40) { chunks in
                var chunkCount = 0
                var top = limbCount
                while top > 0 && limbs[top - 1] == 0 { top -= 1 }
                while top > 0 {
                    var remainder: UInt64 = 0
                    for k in stride(from: top - 1, through: 0, by: -1) {
                        let current = remainder << 32 | UInt64(limbs[k])
                        limbs[k] = UInt32(current / 1_000_000_000)
                        remainder = current % 1_000_000_000
                    }
                    chunks[chunkCount] = UInt32(remainder)
                    chunkCount += 1
                    while top > 0 && limbs[top - 1] == 0 { top -= 1 }
                }
                appendDigits(UInt64(chunks[chunkCount - 1]), minimumCount: 1)
                for k in stride(from: chunkCount - 2, through: 0, by: -1) {
                    appendDigits(UInt64(chunks[k]), minimumCount: 9)
                }
            }
        }
    }

    /// 10^k for 0 ≤ k ≤ 19.
    static func powerOfTen(_ k: Int) -> UInt64 {
        var value: UInt64 = 1
        for _ in 0..<k { value *= 10 }
        return value
    }
}
