/// Local calendar arithmetic from event time and a caller-supplied UTC offset. FlowEngine
/// knows no time zones: the server resolves the user's zone to an offset for each instant.
public enum LocalTime {
    /// Milliseconds in a day.
    public static let dayMs: Int64 = 86_400_000

    /// The local day number (days since 1970-01-01 local) of `atMs`.
    public static func day(atMs: Int64, utcOffsetMs: Int64) -> Int64 {
        let local = atMs.saturatingAdded(utcOffsetMs.clamped(to: -dayMs...dayMs))
        let (quotient, remainder) = local.quotientAndRemainder(dividingBy: dayMs)
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// Milliseconds since local midnight of `atMs` (0 ..< one day).
    public static func timeOfDay(atMs: Int64, utcOffsetMs: Int64) -> Int64 {
        let local = atMs.saturatingAdded(utcOffsetMs.clamped(to: -dayMs...dayMs))
        let remainder = local % dayMs
        return remainder < 0 ? remainder + dayMs : remainder
    }
}
