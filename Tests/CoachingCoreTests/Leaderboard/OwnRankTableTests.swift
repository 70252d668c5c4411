import TestSupport
import Testing

@testable import CoachingCore

/// The table a published event carries: the same own ranks as the index it was made from,
/// frozen at that moment.
struct OwnRankTableTests {
    @Test("after random adds, removals and visibility changes the table answers every user as the index does")
    func matchesIndex() {
        var generator = SeededGenerator(seed: 11)
        var index = RankIndex()
        for step in 0..<4000 {
            let member = Int(generator.next() % 250)
            switch generator.next() % 10 {
            case 0: index.remove(userId: "u\(member)")
            case 1: index.setVisible(generator.next() % 2 == 0, userId: "u\(member)")
            default:
                let delta = Int64(generator.next() % 5_000) - 1_000
                index.add(ordinal: UInt32(member), userId: "u\(member)", name: "n\(member % 13)", deltaMs: delta, visible: generator.next() % 6 != 0)
            }
            guard step % 500 == 499 else { continue }
            let table = index.ownRankTable()
            #expect(table.memberCount == index.memberCount)
            for user in 0..<260 { #expect(table.ownRank(of: "u\(user)") == index.ownRank(of: "u\(user)")) }
        }
    }

    @Test("hidden members get the rank they would hold among the visible ones")
    func hiddenMembers() {
        var index = RankIndex()
        index.set(userId: "a", name: "a", valueMs: 300, visible: true)
        index.set(userId: "h", name: "h", valueMs: 250, visible: false)
        index.set(userId: "c", name: "c", valueMs: 100, visible: true)
        let table = index.ownRankTable()
        #expect(table.ownRank(of: "a") == OwnRank(rank: 1, valueMs: 300, visible: true))
        #expect(table.ownRank(of: "h") == OwnRank(rank: 2, valueMs: 250, visible: false))
        #expect(table.ownRank(of: "c") == OwnRank(rank: 2, valueMs: 100, visible: true))
        #expect(table.ownRank(of: "nobody") == nil)
    }

    @Test("the table keeps the ranks of its moment while the index moves on")
    func frozen() {
        var index = RankIndex()
        index.set(userId: "a", name: "a", valueMs: 200, visible: true)
        index.set(userId: "b", name: "b", valueMs: 100, visible: true)
        let table = index.ownRankTable()
        index.add(userId: "b", name: "b", deltaMs: 500, visible: true)
        index.remove(userId: "a")
        index.set(userId: "new", name: "new", valueMs: 900, visible: true)
        #expect(index.ownRank(of: "b")?.rank == 2)
        #expect(table.ownRank(of: "a") == OwnRank(rank: 1, valueMs: 200, visible: true))
        #expect(table.ownRank(of: "b") == OwnRank(rank: 2, valueMs: 100, visible: true))
        #expect(table.ownRank(of: "new") == nil)
    }

    @Test("a tree node holds 24 bytes: the priority is a hash of the slot and the name key lives with the members")
    func nodeSize() {
        #expect(MemoryLayout<RankTree.Node>.stride == 24)
    }
}
