import FlowEngine
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
        guard let number = LocalTime.day(year: year, month: month, day: day) else { return nil }
        dayNumber = number
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

    var civil: (year: Int64, month: Int64, day: Int64) { LocalTime.civil(ofDay: dayNumber) }

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
}
