@testable import CoachingCore
import Testing

/// RFC 3339 §5.6 `date-time` in UTC with milliseconds, against known instants.
struct RFC3339TimestampTests {
    @Test("known instants: epoch, leap days, 2038, 2100 (not leap), far future", arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (951_868_799_999, "2000-02-29T23:59:59.999Z"),
        (951_868_800_000, "2000-03-01T00:00:00.000Z"),
        (1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        (2_147_483_647_000, "2038-01-19T03:14:07.000Z"),
        (2_147_483_648_000, "2038-01-19T03:14:08.000Z"),
        (4_102_444_800_000, "2100-01-01T00:00:00.000Z"),
        (4_107_456_000_000, "2100-02-28T00:00:00.000Z"),
        (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
        (68_719_476_736_000, "4147-08-20T07:32:16.000Z"),
        (1_763_769_600_123, "2025-11-22T00:00:00.123Z"),
        (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
    ])
    func known(epochMs: Int64, expected: String) {
        #expect(RFC3339Timestamp.string(epochMs: epochMs) == expected)
    }

    @Test("instants outside four-digit years are clamped to 0000-01-01 and 9999-12-31")
    func clamped() {
        #expect(RFC3339Timestamp.string(epochMs: .min) == "0000-01-01T00:00:00.000Z")
        #expect(RFC3339Timestamp.string(epochMs: RFC3339Timestamp.minimumEpochMs) == "0000-01-01T00:00:00.000Z")
        #expect(RFC3339Timestamp.string(epochMs: .max) == "9999-12-31T23:59:59.999Z")
    }

    @Test("consecutive days never repeat or skip a date over 1968–2104")
    func consecutiveDays() {
        var previous = [UInt8](repeating: 0, count: 24)
        var current = [UInt8](repeating: 0, count: 24)
        var leapDays = 0
        var disorder = 0
        // 1968-01-01 … 2104-12-31 (crosses 1970, 2000, a leap century, and 2100, not one).
        for day in Int64(-731)..<Int64(49_308) {
            current.withUnsafeMutableBytes { RFC3339Timestamp.write(epochMs: day * 86_400_000, into: $0) }
            if !current.lexicographicallyPrecedes(previous) && current != previous { } else { disorder += 1 }
            if current[5] == UInt8(ascii: "0") && current[6] == UInt8(ascii: "2")
                && current[8] == UInt8(ascii: "2") && current[9] == UInt8(ascii: "9") { leapDays += 1 }
            swap(&previous, &current)
        }
        #expect(disorder == 0)
        #expect(String(decoding: previous, as: UTF8.self) == "2104-12-31T00:00:00.000Z")
        // Leap years 1968…2104 (2000 included), except 2100.
        #expect(leapDays == (2104 - 1968) / 4 + 1 - 1)
    }
}
