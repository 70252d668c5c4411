@testable import FlowEngine
import Testing

/// The language and project tallies: first-seen order, the bound, and the first key inline.
struct BoundedTallyTests {
    @Test("keys keep their first-seen order and totals; empty, over-long and non-positive input as before")
    func order() {
        var tally = BoundedTally(maximumKeys: 4)
        tally.add(10, to: "swift")
        tally.add(5, to: "rust")
        tally.add(7, to: "swift")
        tally.add(0, to: "go")
        tally.add(-3, to: "swift")
        tally.add(2, to: "")
        tally.add(1, to: String(repeating: "x", count: BoundedTally.maximumKeyBytes + 1))
        #expect(tally.map(\.key) == ["swift", "rust", BoundedTally.otherKey])
        #expect(tally.entries.map(\.ms) == [17, 5, 3])
        #expect(tally["swift"] == 17 && tally["rust"] == 5 && tally["go"] == 0 && tally.count == 3 && tally.totalMs == 25)
    }

    @Test("beyond the bound keys go to other, whether or not other came first")
    func bound() {
        var tally = BoundedTally(maximumKeys: 2)
        for (index, key) in ["a", "b", "c", "d"].enumerated() { tally.add(Int64(index + 1), to: key) }
        #expect(tally.entries == [.init(key: "a", ms: 1), .init(key: "b", ms: 2), .init(key: "other", ms: 7)])
        var otherFirst = BoundedTally(maximumKeys: 1)
        otherFirst.add(1, to: BoundedTally.otherKey)
        otherFirst.add(2, to: "a")
        otherFirst.add(4, to: "b")
        #expect(otherFirst.entries == [.init(key: "other", ms: 5), .init(key: "a", ms: 2)])
        var none = BoundedTally(maximumKeys: 0)
        none.add(3, to: "a")
        #expect(none.entries == [.init(key: "other", ms: 3)])
    }

    @Test("the usual tally, one key, holds no storage block; equal entries compare equal")
    func firstKeyInline() {
        var tally = BoundedTally()
        tally.add(5, to: "swift")
        tally.add(5, to: "swift")
        #expect(tally.more.capacity == 0 && tally["swift"] == 10)
        var same = BoundedTally()
        same.add(10, to: "swift")
        #expect(tally == same && tally.hashValue == same.hashValue)
        tally.add(1, to: "rust")
        #expect(tally.more.count == 1 && tally != same)
    }
}
