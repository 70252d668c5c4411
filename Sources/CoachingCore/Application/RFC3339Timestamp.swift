import FlowEngine
/// Formats epoch milliseconds as an RFC 3339 `date-time` in UTC with millisecond
/// precision, `2026-11-22T01:25:00.123Z`, without Foundation and without allocating.
///
/// RFC 3339 §5.6: `date-time = full-date "T" full-time`, `time-offset = "Z" / …`; the
/// year is four digits, so instants are clamped to 0000-01-01 … 9999-12-31 (§5.6 allows
/// no other years). The calendar is the proleptic Gregorian one (§5.7), computed with the
/// days-to-civil algorithm: shift the epoch to 0000-03-01 so leap days fall at the end of
/// a year, split into 400-year eras (146,097 days each), then into years and months of a
/// March-based year.
public enum RFC3339Timestamp {
    /// Bytes written by ``write(epochMs:into:)``.
    public static let length = 24

    /// Earliest instant with a four-digit year: 0000-01-01T00:00:00.000Z.
    public static let minimumEpochMs: Int64 = -62_167_219_200_000
    /// Latest instant with a four-digit year: 9999-12-31T23:59:59.999Z.
    public static let maximumEpochMs: Int64 = 253_402_300_799_999

    /// Writes the 24-byte form of `epochMs` (clamped to four-digit years) into `buffer`,
    /// which must hold at least ``length`` bytes.
    public static func write(epochMs: Int64, into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= length, "RFC3339Timestamp: buffer shorter than 24 bytes")
        let ms = Swift.min(Swift.max(epochMs, minimumEpochMs), maximumEpochMs)
        // Floor division, so instants before 1970 land on the right day.
        let msPerDay: Int64 = 86_400_000
        var days = ms / msPerDay
        var msOfDay = ms % msPerDay
        if msOfDay < 0 {
            msOfDay += msPerDay
            days -= 1
        }
        let (year, month, day) = LocalTime.civil(ofDay: days)
        let seconds = msOfDay / 1000
        put(buffer, 0, Int(year), digits: 4)
        buffer[4] = UInt8(ascii: "-")
        put(buffer, 5, Int(month), digits: 2)
        buffer[7] = UInt8(ascii: "-")
        put(buffer, 8, Int(day), digits: 2)
        buffer[10] = UInt8(ascii: "T")
        put(buffer, 11, Int(seconds / 3600), digits: 2)
        buffer[13] = UInt8(ascii: ":")
        put(buffer, 14, Int(seconds / 60 % 60), digits: 2)
        buffer[16] = UInt8(ascii: ":")
        put(buffer, 17, Int(seconds % 60), digits: 2)
        buffer[19] = UInt8(ascii: ".")
        put(buffer, 20, Int(msOfDay % 1000), digits: 3)
        buffer[23] = UInt8(ascii: "Z")
    }

    /// The timestamp as a `String` (for logs and tests).
    public static func string(epochMs: Int64) -> String {
        String(unsafeUninitializedCapacity: length) { buffer in
            write(epochMs: epochMs, into: UnsafeMutableRawBufferPointer(buffer))
            return length
        }
    }

    /// Writes `value` as exactly `digits` decimal digits at `offset`.
    @inline(__always)
    private static func put(_ buffer: UnsafeMutableRawBufferPointer, _ offset: Int, _ value: Int, digits: Int) {
        var value = value
        for index in stride(from: offset + digits - 1, through: offset, by: -1) {
            buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            value /= 10
        }
    }
}
