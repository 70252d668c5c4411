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
            let days = LocalTime.day(year: year, month: month, day: dayOfMonth)
        else { return nil }
        self.init(daysSinceEpoch: days)
    }

    /// Keys of the day `days` after 1970-01-01.
    public init(daysSinceEpoch days: Int64) {
        let (year, month, dayOfMonth) = LocalTime.civil(ofDay: days)
        // ISO 8601: weeks start on Monday; week 1 is the one containing the year's first
        // Thursday, so a week belongs to the year of its Thursday.
        let weekday = LocalTime.weekday(ofDay: days)
        let thursday = days - weekday + 3
        let isoYear = LocalTime.civil(ofDay: thursday).year
        let week = (thursday - (LocalTime.day(year: isoYear, month: 1, day: 1) ?? thursday)) / 7 + 1
        guard (0...9_999).contains(year) && (0...9_999).contains(isoYear) else {
            self.day = Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(dayOfMonth, 2)
            self.week = Self.pad(isoYear, 4) + "-W" + Self.pad(week, 2)
            self.month = Self.pad(year, 4) + "-" + Self.pad(month, 2)
            return
        }
        // Every year of this era: the fixed-width forms written straight into small strings.
        // The tick computes these keys for every score it sends and every day a checkpoint
        // carries; built from padded pieces they cost thousands of instructions each.
        // (Month, day and week are always two digits.)
        self.day = String(unsafeUninitializedCapacity: 10) { bytes in
            Self.write(year, digits: 4, into: bytes, at: 0)
            bytes[4] = UInt8(ascii: "-")
            Self.write(month, digits: 2, into: bytes, at: 5)
            bytes[7] = UInt8(ascii: "-")
            Self.write(dayOfMonth, digits: 2, into: bytes, at: 8)
            return 10
        }
        self.week = String(unsafeUninitializedCapacity: 8) { bytes in
            Self.write(isoYear, digits: 4, into: bytes, at: 0)
            bytes[4] = UInt8(ascii: "-")
            bytes[5] = UInt8(ascii: "W")
            Self.write(week, digits: 2, into: bytes, at: 6)
            return 8
        }
        self.month = String(unsafeUninitializedCapacity: 7) { bytes in
            Self.write(year, digits: 4, into: bytes, at: 0)
            bytes[4] = UInt8(ascii: "-")
            Self.write(month, digits: 2, into: bytes, at: 5)
            return 7
        }
    }

    /// `value` (0 ..< 10^`digits`) as exactly `digits` decimal digits at `bytes[start...]`.
    private static func write(_ value: Int64, digits: Int, into bytes: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var rest = value
        for index in stride(from: start + digits - 1, through: start, by: -1) {
            bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
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
