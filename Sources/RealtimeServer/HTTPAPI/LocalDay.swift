import CoachingCore
/// A calendar day in someone's local time, `YYYY-MM-DD` (proleptic Gregorian), the same
/// text form the store uses for `session_days.day` (so it sorts as text).
///
/// Pure arithmetic on day numbers counted from 1970-01-01; which instants a day covers
/// depends on a time zone and is ``UserCalendar``'s business.
struct LocalDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before).
    let dayNumber: Int64

    /// Accepted years: four digits, as in the text form.
    static let years: ClosedRange<Int64> = 1...9999

    init(dayNumber: Int64) {
        self.dayNumber = dayNumber
    }

    /// A valid date; nil for `2026-02-30`, month 13, or a year outside ``years``.
    init?(year: Int64, month: Int64, day: Int64) {
        guard Self.years.contains(year), (1...12).contains(month), day >= 1,
            day <= Self.daysInMonth(year: year, month: month)
        else { return nil }
        dayNumber = Self.dayNumber(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, no sign, no spaces, a real date).
    init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    var civil: (year: Int64, month: Int64, day: Int64) { RFC3339Timestamp.civil(daysSinceEpoch: dayNumber) }

    /// `YYYY-MM-DD`.
    var description: String {
        let (year, month, day) = civil
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    func adding(days: Int64) -> LocalDay { LocalDay(dayNumber: dayNumber + days) }

    static func < (lhs: LocalDay, rhs: LocalDay) -> Bool { lhs.dayNumber < rhs.dayNumber }

    static func isLeapYear(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a civil date (the inverse of `RFC3339Timestamp.civil`):
    /// a March-based year so the leap day falls last, split into 400-year eras.
    static func dayNumber(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400                                    // 0…399
        let monthIndex = month > 2 ? month - 3 : month + 9                         // 0 = March
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1                       // 0…365
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
