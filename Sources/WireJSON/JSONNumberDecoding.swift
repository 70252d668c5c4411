/// Converts validated RFC 8259 §6 number tokens to machine numbers.
///
/// Tokens reach here only after ``JSONParser`` checked their grammar, so the functions
/// only decide the value and whether it is in range.
enum JSONNumberDecoding {
    /// The exact value of an integer token, or `nil` when it is outside `Int64`
    /// (never a wrapped value).
    @inline(__always)
    static func int64(_ raw: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        let negative = raw[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        // 19 digits always fit in UInt64; only longer tokens need overflow checks.
        var magnitude: UInt64 = 0
        let n = raw.count
        let safeEnd = Swift.min(n, i + 19)
        while i < safeEnd {
            magnitude = magnitude &* 10 &+ UInt64(raw[i] &- UInt8(ascii: "0"))
            i += 1
        }
        while i < n {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(raw[i] &- UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            magnitude = sum
            i += 1
        }
        if negative {
            // -9223372036854775808 is the one magnitude above Int64.max that fits.
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The nearest `Double` to a number token, or `nil` when it is too large to be
    /// finite. Tiny values round to (signed) zero, as IEEE 754 rounding does.
    ///
    /// Fast path (Clinger): at most 19 significant digits, a mantissa below 2^53 and a
    /// decimal exponent within ±22 make one exactly rounded multiplication or division.
    /// Anything else goes to the standard library's correctly rounded parser.
    static func double(_ raw: UnsafeRawBufferPointer) -> Double? {
        let n = raw.count
        var i = 0
        let negative = raw[0] == UInt8(ascii: "-")
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var truncated = false
        while i < n, JSONParser.isDigit(raw[i]) {
            accumulate(raw[i], &mantissa, &digits, &exponent, &truncated, fraction: false)
            i += 1
        }
        if i < n && raw[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, JSONParser.isDigit(raw[i]) {
                accumulate(raw[i], &mantissa, &digits, &exponent, &truncated, fraction: true)
                i += 1
            }
        }
        if i < n {  // 'e' or 'E'
            i += 1
            var exponentNegative = false
            if raw[i] == UInt8(ascii: "-") || raw[i] == UInt8(ascii: "+") {
                exponentNegative = raw[i] == UInt8(ascii: "-")
                i += 1
            }
            var explicit = 0
            while i < n {
                // Saturate: beyond ±100000 the result is 0 or infinite anyway.
                if explicit < 100_000 { explicit = explicit * 10 + Int(raw[i] &- UInt8(ascii: "0")) }
                i += 1
            }
            exponent += exponentNegative ? -explicit : explicit
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if !truncated && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var value = Double(mantissa)
            if exponent < 0 { value /= powerOfTen(-exponent) } else { value *= powerOfTen(exponent) }
            return negative ? -value : value
        }
        // Correctly rounded slow path (standard library, not Foundation).
        guard let value = Double(String(decoding: raw, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    @inline(__always)
    private static func accumulate(
        _ c: UInt8, _ mantissa: inout UInt64, _ digits: inout Int, _ exponent: inout Int,
        _ truncated: inout Bool, fraction: Bool
    ) {
        let digit = UInt64(c &- UInt8(ascii: "0"))
        if mantissa == 0 && digit == 0 {
            if fraction { exponent -= 1 }  // leading zeros are not significant
        } else if digits < 19 {
            mantissa = mantissa * 10 + digit
            digits += 1
            if fraction { exponent -= 1 }
        } else {
            truncated = true
            if !fraction { exponent += 1 }
        }
    }

    /// 10^k for 0 ≤ k ≤ 22, all exactly representable in a Double.
    @inline(__always)
    private static func powerOfTen(_ k: Int) -> Double {
        var value = 1.0
        for _ in 0..<k { value *= 10 }
        return value
    }
}
