import FlowEngine

/// The goal streak from stored days, so it survives a restart (a process only sees the days
/// it was running). Both stores answer `activeDays`; the rule is written once, here.
extension Store {
    /// The number of consecutive local days ending at `day` (`YYYY-MM-DD`) whose stored
    /// active time reached `minimumActiveMs`: 0 when `day` itself falls short.
    ///
    /// The live coaching state knows today better than the store (checkpoints lag by up to
    /// one interval), so the caller typically asks for the streak ending *yesterday* and adds
    /// today from its own tally. Reads the days in pages, newest first, and stops at the
    /// first gap, so a long history costs one page past the streak.
    public func goalStreak(userId: String, endingAt day: String, minimumActiveMs: Int64) throws(StoreError) -> Int {
        guard var expected = LocalTime.day(parsing: day) else {
            throw .invalidValue(what: "day '\(day)' is not a YYYY-MM-DD date")
        }
        let pageSize = 64
        var streak = 0
        while true {
            let page = try activeDays(
                userId: userId, throughDay: LocalTime.dayText(ofDay: expected), minimumActiveMs: minimumActiveMs,
                limit: pageSize)
            for text in page {
                guard LocalTime.day(parsing: text) == expected else { return streak }
                streak += 1
                expected -= 1
            }
            // Before 0001-01-01 there is no `YYYY-MM-DD` to ask for.
            if page.count < pageSize || LocalTime.day(year: 1, month: 1, day: 1).map({ expected < $0 }) ?? true {
                return streak
            }
        }
    }
}
