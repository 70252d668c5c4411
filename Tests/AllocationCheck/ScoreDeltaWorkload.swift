import CoachingCore

/// The boards and the stream of a `steady`-shaped leaderboard load, built from a fixed seed
/// (the same inputs every run, so callgrind's counts repeat exactly). It serves the
/// allocation and instruction checks of CI (LeaderboardScoreDeltas.swift) and, through a
/// link, the Benchmarks package's `ScoreDeltaCount`, which scales it up to 100,000 members.
///
/// - `users` members on every board of the day, week and month, loaded in bulk from stored
///   totals (the owner's start-up path): coding time in whole 5-second windows up to an hour
///   (so totals tie often, as in the soak), split over two of the five languages; flow time
///   for a third of them.
/// - An active set of at most 2,000 of them spread over the ranks (the soak's 2,000 users),
///   five sessions each, one session per language: the stream is one delta per session in
///   turn, 5,000 ms of coding time, with as much flow time for a quarter of the sessions.
struct ScoreDeltaWorkload {
    enum Names: String {
        /// `soak-3f9a1c-17`: the soak's names, whose first 8 bytes are all the same.
        case soak
        /// First and last names, some not ASCII, repeating at large counts as real names do.
        case distinct
    }

    static let languages = ["swift", "rust", "go", "python", "typescript"]
    static let periods = PeriodKeys(day: "2026-11-22", week: "2026-W47", month: "2026-11")
    static let windowMs: Int64 = 5_000

    let stored: [StoredTotals]
    /// One delta per session, in the order the stream cycles through them.
    let sessions: [ScoreDelta]
    /// The same stream as a coaching shard sends it: each active user identified once by
    /// a number (shard 0), then ``numberedSessions`` in the order of ``sessions``.
    let identities: [LeaderboardInput]
    let numberedSessions: [NumberedScoreDelta]

    init(users: Int, names: Names) {
        var random = SplitMix(seed: 17)
        var stored: [StoredTotals] = []
        stored.reserveCapacity(users)
        var ids: [String] = []
        var shown: [String] = []
        for user in 0..<users {
            let id = Self.userId(random.next())
            let name = names == .soak ? "soak-3f9a1c-\(user)" : Self.distinctName(random.next())
            let coding = Self.windowMs * Int64(random.next() % 720)
            let flow = random.next() % 3 == 0 ? Self.windowMs * Int64(random.next() % 240) : 0
            let first = Self.languages[user % Self.languages.count]
            let second = Self.languages[(user + 2) % Self.languages.count]
            let firstShare = coding / Self.windowMs / 2 * Self.windowMs
            stored.append(StoredTotals(
                userId: id, displayName: name, day: Self.periods.day, codingMs: coding, flowMs: flow,
                languageCodingMs: [first: firstShare, second: coding - firstShare]))
            ids.append(id)
            shown.append(name)
        }
        let active = min(users, 2_000)
        let stride = max(1, users / max(1, active))
        var sessions: [ScoreDelta] = []
        for index in 0..<active {
            let user = index * stride
            for session in 0..<Self.languages.count {
                let inFlow = random.next() % 4 == 0
                sessions.append(ScoreDelta(
                    userId: ids[user], displayName: shown[user], periods: Self.periods,
                    language: Self.languages[(user + session) % Self.languages.count],
                    codingMsDelta: Self.windowMs, flowMsDelta: inFlow ? Self.windowMs : 0))
            }
        }
        // The sessions' 5-second windows end in no particular order.
        for index in sessions.indices.reversed() where index > 0 {
            sessions.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        self.stored = stored
        self.sessions = sessions
        var numbers: [String: UInt32] = [:]
        var identities: [LeaderboardInput] = []
        var numbered: [NumberedScoreDelta] = []
        for delta in sessions {
            let number: UInt32
            if let known = numbers[delta.userId] {
                number = known
            } else {
                number = UInt32(numbers.count)
                numbers[delta.userId] = number
                identities.append(.identify(ScoreSubject(shard: 0, number: number), userId: delta.userId, name: delta.displayName))
            }
            numbered.append(NumberedScoreDelta(
                subject: ScoreSubject(shard: 0, number: number), periods: delta.periods, language: delta.language,
                codingMsDelta: delta.codingMsDelta, flowMsDelta: delta.flowMsDelta))
        }
        self.identities = identities
        self.numberedSessions = numbered
    }

    /// A version-4-shaped UUID string (36 bytes, as the store's user ids).
    static func userId(_ bits: UInt64) -> String {
        let hex = String(bits, radix: 16)
        let digits = String(repeating: "0", count: 16 - hex.count) + hex
        let a = digits.prefix(8), b = digits.dropFirst(8).prefix(4), c = digits.dropFirst(12).prefix(3)
        return "\(a)-\(b)-4\(c)-8000-\(digits.suffix(12))"
    }

    static let firstNames = [
        "Ada", "Alan", "Anna", "Björn", "Carla", "Chen", "Dmitri", "Elena", "Émile", "Fatima", "Grace", "Hiro",
        "Ingrid", "José", "Kai", "Lena", "Łukasz", "Maria", "Mohammed", "Nora", "Olga", "Priya", "Quentin", "Rosa",
        "Sven", "Tomás", "Uma", "Viktor", "Wei", "Yara", "Zoë", "Zoe",
    ]
    static let lastNames = [
        "Andersson", "Bauer", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen", "Ivanova", "Jensen",
        "Kowalski", "Lopez", "Müller", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka",
        "Umar", "Varga", "Wang", "Xu", "Yilmaz", "Zhang",
    ]

    static func distinctName(_ bits: UInt64) -> String {
        firstNames[Int(bits % UInt64(firstNames.count))] + " " + lastNames[Int((bits >> 16) % UInt64(lastNames.count))]
    }
}

/// A small fixed-seed generator (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
