/// Users as the book numbers them: ordinals, and the shards' numbers for them.
extension LeaderboardBook {
    /// The user's ordinal, with a profile named `name` added the first time.
    mutating func ordinal(of userId: String, name: String) -> UInt32 {
        if let known = ordinals[userId] { return known }
        // Ordinals stop short of `noOrdinal`, which no member may carry; four billion
        // profiles would exhaust memory long before.
        precondition(people.count < Int(BoardMembers.noOrdinal), "LeaderboardBook: ordinals exhausted")
        let ordinal = UInt32(truncatingIfNeeded: people.count)
        people.append(Profile(userId: userId, name: name))
        ordinals[userId] = ordinal
        return ordinal
    }

    /// Gives the boards `name` for the user of `ordinal` (every board holding the user
    /// re-sorts it). While bulk loading, rows are unsorted: the next unsorted add carries
    /// the name instead.
    mutating func setName(_ name: String, ofOrdinal ordinal: UInt32, bulk: Bool = false) {
        guard people[Int(ordinal)].name != name else { return }
        people[Int(ordinal)].name = name
        if !bulk { rename(userId: people[Int(ordinal)].userId, profile: people[Int(ordinal)]) }
    }

    /// `identify`: from now on a shard's number `subject` stands for `userId`, shown as
    /// `name`. A shard gives a number to a user before its first numbered score and may give
    /// it to someone else after that user left it; inputs from one shard arrive in order, so
    /// every numbered score finds the user its shard meant.
    mutating func identify(_ subject: ScoreSubject, userId: String, name: String) {
        let ordinal = ordinal(of: userId, name: name)
        setName(name, ofOrdinal: ordinal)
        let shard = Int(subject.shard), number = Int(subject.number)
        if subjects.count <= shard { subjects.append(contentsOf: repeatElement([], count: shard + 1 - subjects.count)) }
        if subjects[shard].count <= number {
            let missing = number + 1 - subjects[shard].count
            subjects[shard].append(contentsOf: repeatElement(BoardMembers.noOrdinal, count: missing))
        }
        subjects[shard][number] = ordinal
    }

    /// The ordinal a shard's number stands for; `nil` for a number never identified.
    func ordinal(of subject: ScoreSubject) -> UInt32? {
        let shard = Int(subject.shard), number = Int(subject.number)
        guard shard < subjects.count, number < subjects[shard].count else { return nil }
        let ordinal = subjects[shard][number]
        return ordinal == BoardMembers.noOrdinal ? nil : ordinal
    }
}
