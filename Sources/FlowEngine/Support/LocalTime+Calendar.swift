/// Calendar arithmetic on local day numbers (days since 1970-01-01 in the user's local time,
/// as `LocalTime.day(atMs:utcOffsetMs:)` returns them), in the proleptic Gregorian calendar.
/// The one place that knows weekdays, civil dates and the `YYYY-MM-DD` text the stores key
/// daily rows by, so the leaderboards, the stats and the stores cannot disagree about them.
extension LocalTime {
    /// Day numbers handled by the civil conversions: far beyond any real date (about
    /// ±270 million years), small enough that no intermediate result can overflow.
    static let civilDayRange: ClosedRange<Int64> = -100_000_000_000...100_000_000_000

    /// The ISO 8601 day of the week of `day`: Monday = 0 … Sunday = 6.
    /// Day 0, 1970-01-01, was a Thursday (3).
    public static func weekday(ofDay day: Int64) -> Int64 {
        let remainder = (day % 7 + 3) % 7
        return remainder < 0 ? remainder + 7 : remainder
    }

    /// The Monday that starts the ISO week containing `day`.
    public static func startOfWeek(containingDay day: Int64) -> Int64 {
        day - weekday(ofDay: day)
    }

    /// The civil date of `day` (clamped into ``civilDayRange``).
    ///
    /// Counts from 0000-03-01 in 400-year eras, so the leap day falls last in a year.
    public static func civil(ofDay day: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = day.clamped(to: civilDayRange) + 719_468  // days since 0000-03-01
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097  // 0…146096
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0…399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0…365
        let monthIndex = (5 * dayOfYear + 2) / 153  // 0 = March
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth)
    }

    /// The day number of a civil date; nil for an impossible date (`2026-02-30`, month 13)
    /// or a year outside 1…9999 (the years `YYYY` can write).
    public static func day(year: Int64, month: Int64, day: Int64) -> Int64? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= daysInMonth(year: year, month: month)
        else { return nil }
        let shiftedYear = month <= 2 ? year - 1 : year  // years start in March
        let era = shiftedYear / 400  // shiftedYear ≥ 0 here
        let yearOfEra = shiftedYear - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `day` as `YYYY-MM-DD`, the text form that sorts like the days themselves (for years
    /// 1…9999).
    public static func dayText(ofDay day: Int64) -> String {
        let (year, month, dayOfMonth) = civil(ofDay: day)
        return padded(year, 4) + "-" + padded(month, 2) + "-" + padded(dayOfMonth, 2)
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, a real date); nil for anything else.
    public static func day(parsing text: some StringProtocol) -> Int64? {
        var utf8 = text.utf8.makeIterator()
        var fields: [Int64] = [0, 0, 0]
        for (field, width) in [4, 2, 2].enumerated() {
            if field > 0 { guard utf8.next() == UInt8(ascii: "-") else { return nil } }
            for _ in 0..<width {
                guard let byte = utf8.next(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                fields[field] = fields[field] * 10 + Int64(byte - UInt8(ascii: "0"))
            }
        }
        guard utf8.next() == nil else { return nil }
        return day(year: fields[0], month: fields[1], day: fields[2])
    }

    public static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let sign = value < 0 ? "-" : ""
        return sign + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
