import CoachingCore

/// A team's flow and wellbeing per day, in aggregate over the members who consented to
/// share (the caller filters; this type never sees anyone else, and it reports counts of
/// members, never who). Pure.
///
/// Per day (each member's own local days, matched by label):
/// - flow time, active time, the share of active time in flow, and interruptions per
///   active hour;
/// - wellbeing: members with a **long day** (≥ ``longDayMs`` active), a **late night**
///   (a session still going at or after ``lateHour``:00, or started before ``earlyHour``:00,
///   in the member's time zone) and **weekend work** (active on a Saturday or Sunday);
/// - the **burnout signal**: the share of that day's active members with a long day or a
///   late night (0…1). It is **sustained** when each of the last ``sustainedDays`` days of
///   the window had a signal of at least ``highSignal``.
struct TeamWellbeing: Sendable {
    static let longDayMs: Int64 = 9 * 3_600_000
    static let lateHour = 22
    static let earlyHour = 5
    static let highSignal = 0.5
    static let sustainedDays = 7

    struct Day: Sendable {
        let day: LocalDay
        var activeMembers = 0
        var activeMs: Int64 = 0
        var flowMs: Int64 = 0
        var interruptions: Int64 = 0
        var longDays = 0
        var lateNights = 0
        var weekendWork = 0
        /// Members with a long day or a late night.
        var strained = 0

        var flowShare: Double { activeMs > 0 ? Double(flowMs) / Double(activeMs) : 0 }
        var interruptionsPerHour: Double { activeMs > 0 ? Double(interruptions) * 3_600_000 / Double(activeMs) : 0 }
        var burnoutSignal: Double { activeMembers > 0 ? Double(strained) / Double(activeMembers) : 0 }
    }

    /// One member's sessions and calendar.
    struct Member: Sendable {
        let sessions: [StoredSession]
        let calendar: UserCalendar
    }

    private(set) var days: [Day]

    /// True when the last ``sustainedDays`` days all had a high signal.
    var sustainedBurnout: Bool {
        days.count >= Self.sustainedDays && days.suffix(Self.sustainedDays).allSatisfy { $0.burnoutSignal >= Self.highSignal }
    }

    init(members: [Member], window: ClosedRange<LocalDay>) {
        days = (0...(window.upperBound.dayNumber - window.lowerBound.dayNumber)).map {
            Day(day: window.lowerBound.adding(days: $0))
        }
        var indexByLabel: [String: Int] = [:]
        for (index, day) in days.enumerated() { indexByLabel[day.day.description] = index }
        for member in members {
            var activeMs: [Int: Int64] = [:]
            var lateNight = Set<Int>()
            for session in member.sessions {
                let checkpoint = session.checkpoint
                let shares = checkpoint.days.filter { $0.activeMs > 0 || $0.flowMs > 0 }
                let totalActive = max(1, shares.reduce(0) { $0 + $1.activeMs })
                for share in shares {
                    guard let index = indexByLabel[share.day] else { continue }
                    activeMs[index, default: 0] += share.activeMs
                    days[index].activeMs = days[index].activeMs.addingClamped(share.activeMs)
                    days[index].flowMs = days[index].flowMs.addingClamped(share.flowMs)
                    // A session's interruptions are spread over its days by active time.
                    days[index].interruptions += checkpoint.totals.interruptions * share.activeMs / totalActive
                }
                let startHour = member.calendar.hour(atMs: checkpoint.startedAtMs)
                let endHour = member.calendar.hour(atMs: checkpoint.lastAtMs)
                let endDay = member.calendar.day(atMs: checkpoint.lastAtMs)
                let startDay = member.calendar.day(atMs: checkpoint.startedAtMs)
                if endHour >= Self.lateHour || endDay > startDay, let index = indexByLabel[startDay.description] {
                    lateNight.insert(index)
                }
                if startHour < Self.earlyHour, let index = indexByLabel[startDay.description] { lateNight.insert(index) }
            }
            for (index, ms) in activeMs where ms > 0 {
                days[index].activeMembers += 1
                let long = ms >= Self.longDayMs
                let late = lateNight.contains(index)
                if long { days[index].longDays += 1 }
                if late { days[index].lateNights += 1 }
                if long || late { days[index].strained += 1 }
                if ISOWeek.weekdayIndex(of: days[index].day) >= 5 { days[index].weekendWork += 1 }
            }
        }
    }
}
