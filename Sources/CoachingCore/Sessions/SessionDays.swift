/// A session's day tallies, in the order the session first touched each day (at most
/// ``LiveSession/maximumDays``). The first is kept inline: almost every session lies within
/// one local day, and as an array's only element it cost a 96-byte block per session.
public struct SessionDays: Sequence {
    /// `firstDay.day` while no day has been touched (no local day index comes near it).
    private static let noDay = Int64.min

    private var firstDay = DayTally(day: Self.noDay)
    private(set) var moreDays: [DayTally] = []

    /// No day touched.
    public init() {}

    /// Days touched.
    public var count: Int { firstDay.day == Self.noDay ? 0 : 1 + moreDays.count }

    /// Whether the session touched `day`.
    public func contains(day: Int64) -> Bool {
        firstDay.day == day || moreDays.contains { $0.day == day }
    }

    /// Changes the tally of `day` in place, creating it when the session first touches it.
    public mutating func update<Result>(day: Int64, _ change: (inout DayTally) -> Result) -> Result {
        if firstDay.day == day { return change(&firstDay) }
        if firstDay.day == Self.noDay {
            firstDay = DayTally(day: day)
            return change(&firstDay)
        }
        if let index = moreDays.firstIndex(where: { $0.day == day }) { return change(&moreDays[index]) }
        moreDays.append(DayTally(day: day))
        return change(&moreDays[moreDays.count - 1])
    }

    public func makeIterator() -> Iterator {
        Iterator(firstDay: count == 0 ? nil : firstDay, moreDays: moreDays.makeIterator())
    }

    /// The first day's tally, then the others in order.
    public struct Iterator: IteratorProtocol {
        var firstDay: DayTally?
        var moreDays: IndexingIterator<[DayTally]>

        public mutating func next() -> DayTally? {
            if let tally = firstDay {
                firstDay = nil
                return tally
            }
            return moreDays.next()
        }
    }
}
