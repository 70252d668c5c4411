import FlowEngine

/// An ISO 8601 week, `YYYY-Www` (weeks start on Monday; week 1 is the one holding 4 January).
struct ISOWeek: Hashable, Sendable, CustomStringConvertible {
    /// The week's Monday.
    let monday: LocalDay

    /// The week holding `day`.
    init(containing day: LocalDay) {
        monday = day.adding(days: -Int64(Self.weekdayIndex(of: day)))
    }

    /// Parses exactly `YYYY-Www` (`W` upper case, week 01…52, or 53 in years that have it).
    init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, bytes[4] == UInt8(ascii: "-"), bytes[5] == UInt8(ascii: "W") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let week = number(6..<8), week >= 1,
            let january4 = LocalDay(year: year, month: 1, day: 4)
        else { return nil }
        let firstMonday = ISOWeek(containing: january4).monday
        let candidate = ISOWeek(containing: firstMonday.adding(days: (week - 1) * 7))
        // Week 53 exists only when the year has it: the week must still belong to `year`.
        guard candidate.year == year else { return nil }
        self = candidate
    }

    /// The week's days, Monday first.
    var days: ClosedRange<LocalDay> { monday...monday.adding(days: 6) }

    var previous: ISOWeek { ISOWeek(containing: monday.adding(days: -7)) }

    /// The ISO week-numbering year: that of the week's Thursday.
    var year: Int64 { monday.adding(days: 3).civil.year }

    /// 1…53.
    var number: Int64 {
        let thursday = monday.adding(days: 3)
        let january1 = LocalDay(year: thursday.civil.year, month: 1, day: 1) ?? thursday
        return (thursday.dayNumber - january1.dayNumber) / 7 + 1
    }

    var description: String {
        let year = String(self.year)
        let week = String(number)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-W" + (week.count < 2 ? "0" : "") + week
    }

    /// 0 for Monday … 6 for Sunday.
    static func weekdayIndex(of day: LocalDay) -> Int {
        Int(LocalTime.weekday(ofDay: day.dayNumber))
    }
}
