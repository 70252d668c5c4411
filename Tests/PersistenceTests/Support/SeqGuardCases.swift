import CoachingCore
import Testing

/// One table of seq-guard cases for every place that applies the rule: the Swift rule
/// itself, the writer's coalescing, both stores' SQL and the spill-journal replay. Each case
/// is a stored checkpoint and a later one of the same session id, and whether the later one
/// replaces it.
struct SeqGuardCase: Sendable, CustomStringConvertible, CustomTestStringConvertible {
    let description: String
    let stored: SessionCheckpoint
    let later: SessionCheckpoint
    let supersedes: Bool

    var testDescription: String { description }

    /// The checkpoint that must win.
    var winner: SessionCheckpoint { supersedes ? later : stored }

    /// Two users that exist in every store the cases run against.
    static let owner = "00000000-0000-4000-8000-00000000000a"
    static let stranger = "00000000-0000-4000-8000-00000000000b"

    static let all: [SeqGuardCase] = {
        var cases: [SeqGuardCase] = []
        func add(_ description: String, _ supersedes: Bool, _ change: (inout SessionCheckpoint, inout SessionCheckpoint) -> Void) {
            let session = "00000000-0000-4000-9000-" + String(repeating: "0", count: 12 - String(cases.count + 1).count)
                + String(cases.count + 1)
            var stored = PersistenceFixtures.checkpoint(session: session, user: owner, seq: 8, activeMs: 100_000)
            stored.totals.flowPeriods = 1
            var later = stored
            change(&stored, &later)
            cases.append(SeqGuardCase(description: description, stored: stored, later: later, supersedes: supersedes))
        }
        add("a higher seq replaces", true) { _, later in
            later.seq = 9
            later.totals.activeMs += 10_000
        }
        add("a higher seq replaces even when it says less", true) { _, later in
            later.seq = 9
            later.totals.activeMs -= 10_000
        }
        add("a lower seq never replaces, even ended", false) { _, later in
            later.seq = 7
            later.ended = true
        }
        add("the same checkpoint again (a replay) changes nothing", false) { _, _ in }
        add("the same seq that ended replaces", true) { _, later in later.ended = true }
        add("the same seq not ended never undoes an end", false) { stored, _ in stored.ended = true }
        add("the same seq with one more flow period replaces", true) { _, later in later.totals.flowPeriods = 2 }
        add("the same seq with more flow time replaces", true) { _, later in later.totals.flowMs += 30_000 }
        add("the same seq with more active time replaces", true) { _, later in later.totals.activeMs += 1_000 }
        add("the same seq with less active time changes nothing", false) { _, later in later.totals.activeMs -= 1_000 }
        add("another user's checkpoint never replaces, even with a higher seq", false) { _, later in
            later.userId = stranger
            later.seq = 20
        }
        add("another user's checkpoint never replaces, even ended", false) { _, later in
            later.userId = stranger
            later.ended = true
        }
        return cases
    }()
}
