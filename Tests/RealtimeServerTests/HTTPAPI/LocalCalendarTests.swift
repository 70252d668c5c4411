@testable import CoachingCore
import Testing

@testable import RealtimeServer

/// Local days and hours in a user's time zone (`LocalDay`, `UserCalendar`).
struct LocalCalendarTests {
    @Test("YYYY-MM-DD parses only real dates and prints back the same text")
    func localDayRoundTrip() {
        for text in ["1970-01-01", "2000-02-29", "2024-02-29", "2026-11-22", "1969-12-31", "0001-01-01", "9999-12-31"] {
            #expect(LocalDay(parsing: text)?.description == text, "\(text)")
        }
        for text in ["2026-02-29", "1900-02-29", "2026-04-31", "2026-00-10", "2026-11-00", "0000-01-01", "2026/11/22", "２０２６-11-22", " 2026-11-22"] {
            #expect(LocalDay(parsing: text) == nil, "\(text)")
        }
        #expect(LocalDay(parsing: "1970-01-01")?.dayNumber == 0)
        #expect(LocalDay(parsing: "2026-11-22")?.dayNumber == 20_779)
        #expect(LocalDay(parsing: "2024-02-28")?.adding(days: 1).description == "2024-02-29")
        #expect(LocalDay(parsing: "2026-12-31")?.adding(days: 1).description == "2027-01-01")
    }

    @Test("local days start at local midnight, also on daylight-saving days")
    func dayBoundaries() throws {
        let berlin = UserCalendar(timeZoneIdentifier: "Europe/Berlin")
        let day = try #require(LocalDay(parsing: "2026-11-22"))
        #expect(berlin.startMs(of: day) == APITestWorld.ms("2026-11-21T23:00:00Z"))
        // 2026-03-29: clocks go from 02:00 to 03:00 in Berlin; the day lasts 23 hours.
        let spring = try #require(LocalDay(parsing: "2026-03-29"))
        #expect(berlin.startMs(of: spring) == APITestWorld.ms("2026-03-28T23:00:00Z"))
        #expect(berlin.endMs(of: spring) - berlin.startMs(of: spring) == 23 * 3_600_000)
        let autumn = try #require(LocalDay(parsing: "2026-10-25"))
        #expect(berlin.endMs(of: autumn) - berlin.startMs(of: autumn) == 25 * 3_600_000)
        // 2026-09-06 in Chile: midnight does not exist (00:00 becomes 01:00 at 04:00 UTC).
        let santiago = UserCalendar(timeZoneIdentifier: "America/Santiago")
        let gap = try #require(LocalDay(parsing: "2026-09-06"))
        #expect(santiago.startMs(of: gap) == APITestWorld.ms("2026-09-06T04:00:00Z"))
        #expect(santiago.endMs(of: gap.adding(days: -1)) == santiago.startMs(of: gap))
        #expect(santiago.endMs(of: gap) - santiago.startMs(of: gap) == 23 * 3_600_000)
        let newYork = UserCalendar(timeZoneIdentifier: "America/New_York")
        #expect(newYork.day(atMs: APITestWorld.ms("2026-11-22T03:00:00Z")).description == "2026-11-21")
        #expect(berlin.day(atMs: APITestWorld.ms("2026-11-21T23:30:00Z")).description == "2026-11-22")
    }

    @Test("hours and hour boundaries follow the zone; an unknown zone is UTC")
    func hours() {
        let kolkata = UserCalendar(timeZoneIdentifier: "Asia/Kolkata")  // UTC+05:30
        let instant = APITestWorld.ms("2026-11-22T03:45:00Z")           // 09:15 local
        #expect(kolkata.hour(atMs: instant) == 9)
        #expect(kolkata.nextHourBoundaryMs(after: instant) == APITestWorld.ms("2026-11-22T04:30:00Z"))
        let unknown = UserCalendar(timeZoneIdentifier: "Mars/Olympus_Mons")
        #expect(unknown.identifier == "UTC")
        #expect(unknown.hour(atMs: instant) == 3)
        #expect(unknown.hour(atMs: -1) == 23)
        #expect(unknown.day(atMs: -1).description == "1969-12-31")
    }
}
