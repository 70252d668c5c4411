import FlowEngine
/// The calendar keys of the three leaderboard periods at one moment: `2026-11-22`,
/// `2026-W47` (ISO 8601 week), `2026-11`.
///
/// Keys are opaque to the leaderboards except for one property they rely on: within one
/// period, keys sort lexicographically in time order (true of these fixed-width ISO
/// forms). The owner keeps the board of the *current* key per period, accepts contributions
/// to a bounded number of later keys (time zones ahead of the leaderboard's), drops
/// contributions to earlier keys, and drops earlier boards at rollover.
///
/// Which calendar applies is the caller's choice: score deltas carry the keys the caller
/// computed (for one global board, compute them in the leaderboard time zone — UTC by
/// default — from the activity's `at_ms`, with ``init(utcMs:)``); stored per-day totals are
/// mapped with ``init(day:)``.
public struct PeriodKeys: Hashable, Sendable, CustomStringConvertible {
    /// `YYYY-MM-DD`.
    public var day: String
    /// `YYYY-Www`, ISO 8601 week-numbering year and week.
    public var week: String
    /// `YYYY-MM`.
    public var month: String

    public init(day: String, week: String, month: String) {
        self.day = day
        self.week = week
        self.month = month
    }

    /// The key of one period.
    public subscript(period: LeaderboardChannel.Period) -> String {
        switch period {
        case .day: day
        case .week: week
        case .month: month
        }
    }

    public var description: String { day + "/" + week + "/" + month }

    /// The keys of the UTC calendar day containing `utcMs` (milliseconds since the epoch).
    public init(utcMs: Int64) {
        let days = utcMs >= 0 ? utcMs / 86_400_000 : (utcMs - 86_399_999) / 86_400_000
        self.init(daysSinceEpoch: days)
    }

    /// The keys of a `YYYY-MM-DD` day (the form stored per-day aggregates use); `nil` when
    /// `day` is not a valid date in that form.
    public init?(day: String) {
        let bytes = Array(day.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
            let dayOfMonth = Self.number(bytes[8..<10]),
            (1...12).contains(month), dayOfMonth >= 1, dayOfMonth <= Self.daysIn(month: month, year: year)
        else { return nil }
        self.init(daysSinceEpoch: Self.daysFromCivil(year: year, month: month, day: dayOfMonth))
    }

    /// Keys of the day `days` after 1970-01-01.
    public init(daysSinceEpoch days: Int64) {
        let (year, month, dayOfMonth) = Self.civil(fromDays: days)
        // ISO 8601: weeks start on Monday; week 1 is the one containing the year's first
        // Thursday, so a week belongs to the year of its Thursday.
        let weekday = LocalTime.weekday(ofDay: days)
        let thursday = days - weekday + 3
        let isoYear = Self.civil(fromDays: thursday).year
        let week = (thursday - Self.daysFromCivil(year: isoYear, month: 1, day: 1)) / 7 + 1
        self.day = Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(dayOfMonth, 2)
        self.week = Self.pad(isoYear, 4) + "-W" + Self.pad(week, 2)
        self.month = Self.pad(year, 4) + "-" + Self.pad(month, 2)
    }

    // MARK: Proleptic Gregorian arithmetic (era-based, exact for any Int64 day in range)

    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
