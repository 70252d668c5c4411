import TestSupport
import Testing

@testable import CoachingCore

/// Ordering, updates and own ranks of one ranking.
struct RankIndexTests {
    func order(_ index: RankIndex) -> [String] { index.entries.map(\.userId) }

    /// The entries must always be sorted by the documented order.
    func isSorted(_ index: RankIndex) -> Bool {
        zip(index.entries, index.entries.dropFirst()).allSatisfy { $0.precedes($1) }
    }

    @Test("rows are ordered by value descending, then name, then user id")
    func ordering() {
        var index = RankIndex()
        index.set(userId: "u3", name: "cy", valueMs: 100, visible: true)
        index.set(userId: "u1", name: "ada", valueMs: 100, visible: true)
        index.set(userId: "u9", name: "ada", valueMs: 100, visible: true)
        index.set(userId: "u2", name: "bob", valueMs: 500, visible: true)
        #expect(order(index) == ["u2", "u1", "u9", "u3"])
        #expect(index.ownRank(of: "u9") == OwnRank(rank: 3, valueMs: 100, visible: true))
    }

    @Test("adding time moves a row up past everyone it overtakes, and down on a correction")
    func moves() {
        var index = RankIndex()
        for (n, value) in [500, 400, 300, 200, 100].enumerated() {
            index.set(userId: "u\(n)", name: "n\(n)", valueMs: Int64(value), visible: true)
        }
        index.add(userId: "u4", name: "n4", deltaMs: 350, visible: true)  // 450: second
        #expect(order(index) == ["u0", "u4", "u1", "u2", "u3"])
        index.add(userId: "u0", name: "n0", deltaMs: -450, visible: true)  // 50: last
        #expect(order(index) == ["u4", "u1", "u2", "u3", "u0"])
        index.add(userId: "u2", name: "n2", deltaMs: 0, visible: true)  // no move
        #expect(order(index) == ["u4", "u1", "u2", "u3", "u0"])
        #expect(index.value(of: "u0") == 50)
    }

    @Test("a total never goes below zero and saturates instead of overflowing")
    func bounds() {
        var index = RankIndex()
        let floor = index.add(userId: "a", name: "a", deltaMs: -10, visible: true)
        index.add(userId: "b", name: "b", deltaMs: .max, visible: true)
        let ceiling = index.add(userId: "b", name: "b", deltaMs: 5, visible: true)
        #expect(floor == 0)
        #expect(ceiling == .max)
    }

    @Test("a hidden member is absent from the rows but still has an own rank among the visible")
    func hidden() {
        var index = RankIndex()
        index.set(userId: "a", name: "a", valueMs: 300, visible: true)
        index.set(userId: "h", name: "h", valueMs: 250, visible: false)
        index.set(userId: "c", name: "c", valueMs: 100, visible: true)
        #expect(order(index) == ["a", "c"])
        #expect(index.ownRank(of: "h") == OwnRank(rank: 2, valueMs: 250, visible: false))
        #expect(index.ownRank(of: "c") == OwnRank(rank: 2, valueMs: 100, visible: true))
        index.setVisible(true, userId: "h")
        #expect(order(index) == ["a", "h", "c"])
        #expect(index.ownRank(of: "c")?.rank == 3)
    }

    @Test("removal forgets a member entirely")
    func removal() {
        var index = RankIndex()
        index.set(userId: "a", name: "a", valueMs: 3, visible: true)
        index.set(userId: "b", name: "b", valueMs: 2, visible: false)
        let removed = [index.remove(userId: "a"), index.remove(userId: "b"), index.remove(userId: "b")]
        #expect(removed == [true, true, false])
        #expect(index.entries.isEmpty && index.memberCount == 0)
        #expect(index.ownRank(of: "a") == nil)
    }

    @Test("a renamed member keeps its total and is re-sorted among ties")
    func rename() {
        var index = RankIndex()
        index.set(userId: "u1", name: "zed", valueMs: 10, visible: true)
        index.set(userId: "u2", name: "max", valueMs: 10, visible: true)
        #expect(order(index) == ["u2", "u1"])
        index.set(userId: "u1", name: "amy", valueMs: 10, visible: true)
        #expect(order(index) == ["u1", "u2"])
    }

    @Test("random updates keep the rows sorted and consistent with the member totals")
    func randomized() {
        var generator = SeededGenerator(seed: 42)
        var index = RankIndex()
        var totals: [String: Int64] = [:]
        var visible: [String: Bool] = [:]
        for _ in 0..<5000 {
            let user = "u\(generator.next() % 200)"
            switch generator.next() % 10 {
            case 0:
                index.remove(userId: user)
                totals[user] = nil
                visible[user] = nil
            case 1:
                let show = generator.next() % 2 == 0
                index.setVisible(show, userId: user)
                if totals[user] != nil { visible[user] = show }
            default:
                let delta = Int64(generator.next() % 1000) - 100
                let show = visible[user] ?? true
                totals[user] = index.add(userId: user, name: "n\(generator.next() % 20)", deltaMs: delta, visible: show)
                visible[user] = show
            }
        }
        #expect(isSorted(index))
        #expect(index.memberCount == totals.count)
        #expect(index.entries.count == visible.values.filter { $0 }.count)
        for entry in index.entries { #expect(totals[entry.userId] == entry.valueMs) }
        for (rank, entry) in index.entries.enumerated() { #expect(index.ownRank(of: entry.userId)?.rank == rank + 1) }
    }
}

/// The tree's integer shortcuts (ordinals, 8-byte ASCII name prefixes) against the plain
/// order of ``RankIndex/Entry/precedes(_:)``.
struct RankIndexOrderTests {
    @Test("names that share 8-byte prefixes, differ only in length, or are not ASCII rank as String's order says")
    func nameShortcuts() {
        let names = ["abcdefgh", "abcdefghi", "abcdefgha", "abc", "ab", "abc\u{0}d", "Zoë", "Zoe", "Zoe\u{308}", "élan", "e\u{301}lan", "émile", ""]
        var index = RankIndex()
        for (n, name) in names.enumerated() { index.set(userId: "u\(n)", name: name, valueMs: 100, visible: true) }
        let expected = names.enumerated().map { RankIndex.Entry(valueMs: 100, name: $0.element, userId: "u\($0.offset)") }
            .sorted { $0.precedes($1) }.map(\.userId)
        #expect(index.entries.map(\.userId) == expected)
        for (rank, userId) in expected.enumerated() { #expect(index.ownRank(of: userId)?.rank == rank + 1) }
    }

    @Test("updates by ordinal give the same rows and ranks as updates by user id")
    func ordinalPath() {
        var generator = SeededGenerator(seed: 7)
        var byId = RankIndex()
        var byOrdinal = RankIndex()
        for _ in 0..<5000 {
            let member = Int(generator.next() % 300)
            let delta = Int64(generator.next() % 10_000) - 2_000
            let visible = generator.next() % 8 != 0
            let name = "n\(member % 37)"
            let a = byId.add(userId: "u\(member)", name: name, deltaMs: delta, visible: visible)
            let b = byOrdinal.add(ordinal: UInt32(member), userId: "u\(member)", name: name, deltaMs: delta, visible: visible)
            #expect(a == b)
            if generator.next() % 50 == 0 {
                byId.remove(userId: "u\(member)")
                byOrdinal.remove(userId: "u\(member)")
            }
        }
        #expect(byId.entries == byOrdinal.entries)
        #expect(byId.memberCount == byOrdinal.memberCount)
        for member in 0..<300 { #expect(byId.ownRank(of: "u\(member)") == byOrdinal.ownRank(of: "u\(member)")) }
    }
}
