/// A span or instant of event time in milliseconds.
///
/// Instants are milliseconds since the Unix epoch as the *client* measured them (`at_ms`);
/// the engine never reads a clock. Arithmetic saturates instead of trapping, so absurd
/// client values (`Int64.max`, large negatives) cannot crash the server.
public struct Milliseconds: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The raw count of milliseconds.
    public var value: Int64

    /// Creates a value of `value` milliseconds.
    public init(_ value: Int64) { self.value = value }

    /// Zero milliseconds.
    public static let zero = Milliseconds(0)

    /// `seconds` seconds.
    public static func seconds(_ seconds: Int64) -> Milliseconds {
        Milliseconds(seconds.saturatingMultiplied(by: 1000))
    }

    /// `minutes` minutes.
    public static func minutes(_ minutes: Int64) -> Milliseconds {
        Milliseconds(minutes.saturatingMultiplied(by: 60_000))
    }

    /// `hours` hours.
    public static func hours(_ hours: Int64) -> Milliseconds {
        Milliseconds(hours.saturatingMultiplied(by: 3_600_000))
    }

    public static func < (lhs: Milliseconds, rhs: Milliseconds) -> Bool {
        lhs.value < rhs.value
    }

    /// Saturating sum.
    public static func + (lhs: Milliseconds, rhs: Milliseconds) -> Milliseconds {
        Milliseconds(lhs.value.saturatingAdded(rhs.value))
    }

    /// Saturating difference.
    public static func - (lhs: Milliseconds, rhs: Milliseconds) -> Milliseconds {
        Milliseconds(lhs.value.saturatingSubtracted(rhs.value))
    }

    /// The value as a `Double` number of milliseconds.
    public var double: Double { Double(value) }

    public var description: String { "\(value) ms" }
}

extension Int64 {
    /// `self + other`, clamped to the representable range.
    func saturatingAdded(_ other: Int64) -> Int64 {
        let (result, overflow) = addingReportingOverflow(other)
        if overflow { return other > 0 ? .max : .min }
        return result
    }

    /// `self - other`, clamped to the representable range.
    func saturatingSubtracted(_ other: Int64) -> Int64 {
        let (result, overflow) = subtractingReportingOverflow(other)
        if overflow { return other < 0 ? .max : .min }
        return result
    }

    /// `self * other`, clamped to the representable range.
    func saturatingMultiplied(by other: Int64) -> Int64 {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        if overflow { return (self < 0) == (other < 0) ? .max : .min }
        return result
    }

    /// `self` clamped to `range`.
    func clamped(to range: ClosedRange<Int64>) -> Int64 {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
