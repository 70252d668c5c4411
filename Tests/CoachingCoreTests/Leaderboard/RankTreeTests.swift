import TestSupport
import Testing

@testable import CoachingCore

/// The treap under ``RankIndex``: insertion by descent, removal, and the 16-byte name keys,
/// against a plain sorted array of ``RankIndex/Entry``.
struct RankTreeTests {
    /// Names whose keys tie in 8 bytes, in 16, or not at all; not ASCII, also after byte 16;
    /// prefixes of each other; repeated (ties fall to user ids).
    static let names = [
        "soak-3f9a1c-1", "soak-3f9a1c-10", "soak-3f9a1c-100", "soak-3f9a1c-1000", "soak-3f9a1c-2",
        "soak-3f9a1c-1000000000a", "soak-3f9a1c-1000000000b", "soak-3f9a1c-10000000", "soak-3f9a1c-1000\u{0}",
        "aaaaaaaaaaaaaaae\u{301}", "aaaaaaaaaaaaaaaf", "aaaaaaaaaaaaaaae", "Zoë Müller", "Zoe Muller", "Zoe\u{308} Müller",
        "élan", "e\u{301}lan", "Ada", "Ada", "",
    ]

    @Test("random adds, moves, hides and removals of tied totals and names: rows, ranks and treap rules as a sorted array says")
    func againstSortedArray() {
        var generator = SeededGenerator(seed: 101)
        var index = RankIndex()
        var totals: [String: Int64] = [:]
        var shown: [String: Bool] = [:]
        var named: [String: String] = [:]
        for step in 0..<6000 {
            let user = "u\(generator.next() % 300)"
            switch generator.next() % 12 {
            case 0:
                index.remove(userId: user)
                totals[user] = nil
                shown[user] = nil
                named[user] = nil
            case 1:
                let show = generator.next() % 3 != 0
                index.setVisible(show, userId: user)
                if totals[user] != nil { shown[user] = show }
            case 2:
                // A rename: the member is unlinked while its key changes.
                guard let total = totals[user] else { continue }
                let name = Self.names[Int(generator.next() % UInt64(Self.names.count))]
                index.set(userId: user, name: name, valueMs: total, visible: shown[user] ?? true)
                named[user] = name
            default:
                // Whole 5-second windows: totals tie often.
                let delta = 5_000 * (Int64(generator.next() % 5) - 1)
                let name = named[user] ?? Self.names[Int(generator.next() % UInt64(Self.names.count))]
                let show = shown[user] ?? true
                let ordinal = UInt32(user.dropFirst())
                totals[user] = generator.next() % 2 == 0
                    ? index.add(userId: user, name: name, deltaMs: delta, visible: show)
                    : index.add(ordinal: ordinal ?? 0, userId: user, name: name, deltaMs: delta, visible: show)
                named[user] = name
                shown[user] = show
            }
            if step % 200 == 199 { expectMatches(index, totals: totals, shown: shown, named: named) }
        }
        expectMatches(index, totals: totals, shown: shown, named: named)
    }

    func expectMatches(_ index: RankIndex, totals: [String: Int64], shown: [String: Bool], named: [String: String]) {
        let reference = totals.keys.filter { shown[$0] == true }
            .map { RankIndex.Entry(valueMs: totals[$0] ?? 0, name: named[$0] ?? "", userId: $0) }
            .sorted { $0.precedes($1) }
        #expect(index.entries == reference)
        #expect(index.tree.violations(members: index.members) == [])
        for (rank, entry) in reference.enumerated() {
            #expect(index.ownRank(of: entry.userId) == OwnRank(rank: rank + 1, valueMs: entry.valueMs, visible: true))
        }
        for (user, total) in totals where shown[user] != true {
            let ahead = reference.filter { $0.precedes(RankIndex.Entry(valueMs: total, name: named[user] ?? "", userId: user)) }.count
            #expect(index.ownRank(of: user) == OwnRank(rank: ahead + 1, valueMs: total, visible: false))
        }
    }

    @Test("a treap's shape does not depend on how it was built: live updates end in the tree a bulk sort builds")
    func canonicalShape() {
        var generator = SeededGenerator(seed: 9)
        var live = BoardPair()
        var bulk = BoardPair()
        for _ in 0..<3000 {
            let user = Int(generator.next() % 400)
            let coding = 5_000 * Int64(generator.next() % 4), flow = 5_000 * Int64(generator.next() % 2)
            let name = Self.names[user % Self.names.count]
            live.add(userId: "u\(user)", ordinal: UInt32(user), name: name, codingMs: coding, flowMs: flow, visible: user % 13 != 0)
            bulk.add(userId: "u\(user)", name: name, codingMs: coding, flowMs: flow, visible: user % 13 != 0, bulk: true)
        }
        bulk.sortRows()
        for (a, b) in [(live.codingTime.tree, bulk.codingTime.tree), (live.flowTime.tree, bulk.flowTime.tree)] {
            #expect(a.root == b.root)
            #expect(a.nodes.map(\.left) == b.nodes.map(\.left))
            #expect(a.nodes.map(\.right) == b.nodes.map(\.right))
            #expect(a.nodes.map(\.size) == b.nodes.map(\.size))
        }
        #expect(live.codingTime.tree.violations(members: live.codingTime.members) == [])
    }
}
