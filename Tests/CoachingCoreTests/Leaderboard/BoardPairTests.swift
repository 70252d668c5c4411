import TestSupport
import Testing

@testable import CoachingCore

/// A pair's two rankings share one members table: they must answer exactly as two
/// independent rankings fed the same inputs, and a member on both is stored once.
struct BoardPairTests {
    /// The reference: the two rankings as separate indexes, each with its own members.
    struct Separate {
        var coding = RankIndex()
        var flow = RankIndex()

        mutating func add(userId: String, name: String, codingMs: Int64, flowMs: Int64, visible: Bool) {
            if codingMs != 0 { coding.add(userId: userId, name: name, deltaMs: codingMs, visible: visible) }
            if flowMs != 0 { flow.add(userId: userId, name: name, deltaMs: flowMs, visible: visible) }
        }

        mutating func update(userId: String, name: String, visible: Bool) {
            for metric in [\Separate.coding, \Separate.flow] {
                guard let value = self[keyPath: metric].value(of: userId) else { continue }
                self[keyPath: metric].set(userId: userId, name: name, valueMs: value, visible: visible)
            }
        }
    }

    func expectSame(_ pair: BoardPair, _ reference: Separate, users: Int) {
        #expect(pair.codingTime.entries == reference.coding.entries)
        #expect(pair.flowTime.entries == reference.flow.entries)
        #expect(pair.codingTime.memberCount == reference.coding.memberCount)
        #expect(pair.flowTime.memberCount == reference.flow.memberCount)
        let codingTable = pair.codingTime.ownRankTable(), flowTable = pair.flowTime.ownRankTable()
        #expect(codingTable.memberCount == reference.coding.memberCount)
        #expect(flowTable.memberCount == reference.flow.memberCount)
        for user in 0..<users {
            let id = "u\(user)"
            #expect(pair.codingTime.value(of: id) == reference.coding.value(of: id))
            #expect(pair.flowTime.value(of: id) == reference.flow.value(of: id))
            #expect(pair.codingTime.ownRank(of: id) == reference.coding.ownRank(of: id))
            #expect(pair.flowTime.ownRank(of: id) == reference.flow.ownRank(of: id))
            #expect(codingTable.ownRank(of: id) == reference.coding.ownRank(of: id))
            #expect(flowTable.ownRank(of: id) == reference.flow.ownRank(of: id))
            #expect(pair.contains(id) == (reference.coding.value(of: id) != nil || reference.flow.value(of: id) != nil))
        }
    }

    @Test("random adds (by ordinal and by id), renames, visibility changes and removals: same rows and ranks as two separate indexes")
    func matchesSeparateIndexes() {
        var generator = SeededGenerator(seed: 23)
        var pair = BoardPair()
        var reference = Separate()
        var names = (0..<200).map { "n\($0 % 17)" }
        for step in 0..<6000 {
            let user = Int(generator.next() % 200)
            let id = "u\(user)"
            switch generator.next() % 20 {
            case 0:
                pair.remove(userId: id)
                reference.coding.remove(userId: id)
                reference.flow.remove(userId: id)
            case 1, 2:
                // Renames include names whose 8-byte prefixes tie and non-ASCII names.
                names[user] = ["n\(generator.next() % 17)", "same-prefix-\(generator.next() % 3)", "é\(user % 5)"][Int(generator.next() % 3)]
                let visible = generator.next() % 5 != 0
                pair.update(userId: id, name: names[user], visible: visible)
                reference.update(userId: id, name: names[user], visible: visible)
            default:
                let coding = generator.next() % 4 == 0 ? 0 : Int64(generator.next() % 4_000) - 500
                let flow = generator.next() % 3 == 0 ? Int64(generator.next() % 3_000) - 300 : 0
                let visible = generator.next() % 7 != 0
                let ordinal: UInt32? = generator.next() % 2 == 0 ? UInt32(user) : nil
                // The book renames separately: the ordinal path keeps the stored name.
                let name = ordinal != nil && pair.contains(id) ? (pair.codingTime.entries.first { $0.userId == id }?.name ?? pair.flowTime.entries.first { $0.userId == id }?.name ?? names[user]) : names[user]
                pair.add(userId: id, ordinal: ordinal, name: name, codingMs: coding, flowMs: flow, visible: visible)
                reference.add(userId: id, name: name, codingMs: coding, flowMs: flow, visible: visible)
            }
            if step % 1000 == 999 { expectSame(pair, reference, users: 210) }
        }
        expectSame(pair, reference, users: 210)
    }

    @Test("joining the flow ranking stores the member once: the members table does not grow")
    func flowJoinSharesTheMember() {
        var pair = BoardPair()
        for user in 0..<100 {
            pair.add(userId: "u\(user)", ordinal: UInt32(user), name: "n\(user)", codingMs: 1_000, flowMs: 0, visible: true)
        }
        let slots = pair.slotCount
        for user in 0..<100 {
            pair.add(userId: "u\(user)", ordinal: UInt32(user), name: "n\(user)", codingMs: 1_000, flowMs: 500, visible: true)
        }
        #expect(pair.slotCount == slots)
        #expect(pair.flowTime.memberCount == 100)
        #expect(pair.codingTime.memberCount == 100)
        pair.remove(userId: "u5")
        pair.add(userId: "new", name: "new", codingMs: 0, flowMs: 10, visible: true)
        #expect(pair.slotCount == slots)
        #expect(pair.flowTime.entries.last == RankIndex.Entry(valueMs: 10, name: "new", userId: "new"))
        #expect(pair.codingTime.value(of: "new") == nil)
    }

    @Test("bulk loading then sorting gives the rows of live adds")
    func bulkLoad() {
        var generator = SeededGenerator(seed: 5)
        var bulk = BoardPair()
        var live = BoardPair()
        for _ in 0..<2000 {
            let user = Int(generator.next() % 150)
            let coding = Int64(generator.next() % 2_000), flow = Int64(generator.next() % 2) * 700
            bulk.add(userId: "u\(user)", name: "n\(user % 11)", codingMs: coding, flowMs: flow, visible: user % 9 != 0, bulk: true)
            live.add(userId: "u\(user)", name: "n\(user % 11)", codingMs: coding, flowMs: flow, visible: user % 9 != 0)
        }
        bulk.sortRows()
        #expect(bulk.codingTime.entries == live.codingTime.entries)
        #expect(bulk.flowTime.entries == live.flowTime.entries)
        for user in 0..<150 { #expect(bulk.flowTime.ownRank(of: "u\(user)") == live.flowTime.ownRank(of: "u\(user)")) }
    }
}
