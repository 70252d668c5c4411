import Testing

@testable import FlowEngine

struct LocalTimeCalendarTests {
    @Test("weekdays count from Monday = 0; 1970-01-01 was a Thursday, and days before it wrap")
    func weekdays() {
        #expect(LocalTime.weekday(ofDay: 0) == 3)
        #expect(LocalTime.weekday(ofDay: -1) == 2)
        #expect(LocalTime.weekday(ofDay: -4) == 6)
        #expect(LocalTime.weekday(ofDay: 20_780) == 0)  // 2026-11-23, a Monday
        #expect(LocalTime.startOfWeek(containingDay: 20_786) == 20_780)  // its Sunday
        #expect(LocalTime.startOfWeek(containingDay: 0) == -3)
        #expect(LocalTime.weekday(ofDay: .min) >= 0 && LocalTime.weekday(ofDay: .max) <= 6)
    }

    @Test("day numbers and YYYY-MM-DD round-trip across leap days and the whole 1…9999 range")
    func textRoundTrip() {
        #expect(LocalTime.dayText(ofDay: 0) == "1970-01-01")
        #expect(LocalTime.dayText(ofDay: 11_016) == "2000-02-29")
        #expect(LocalTime.day(parsing: "2026-11-23") == 20_780)
        #expect(LocalTime.day(parsing: "0001-01-01") == -719_162)
        #expect(LocalTime.day(parsing: "9999-12-31") == 2_932_896)
        for day in stride(from: Int64(-719_162), through: 2_932_896, by: 997) {
            #expect(LocalTime.day(parsing: LocalTime.dayText(ofDay: day)) == day)
        }
    }

    @Test("anything but a real date in exactly YYYY-MM-DD is refused",
          arguments: ["", "2026-02-30", "2026-13-01", "2026-1-01", "2026-01-01 ", "+026-01-01", "0000-01-01", "2026/01/01", "２026-01-01"])
    func refusesNonDates(_ text: String) {
        #expect(LocalTime.day(parsing: text) == nil)
    }
}
