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

    /// The ISO weekday of day number `day` (days since 1970-01-01): Monday 0 … Sunday 6.
    /// 1970-01-01 was a Thursday.
    public static func weekday(ofDay day: Int64) -> Int64 {
        let remainder = (day + 3) % 7
        return remainder < 0 ? remainder + 7 : remainder
    }

    /// The day number of the Monday that starts the ISO week of day number `day`.
    public static func monday(ofDay day: Int64) -> Int64 { day - weekday(ofDay: day) }
}
