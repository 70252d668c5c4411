import Testing
@testable import CoachingCore

/// The wake-up heap: earliest first, stale entries dropped on request, storage given back.
struct TimerHeapTests {
    final class Owner {
        let name: Int
        var dueMs: Int64 = .max
        init(_ name: Int) { self.name = name }
    }

    @Test("entries come out earliest first, and only once due")
    func earliestFirst() {
        var heap = TimerHeap<Int>()
        for (index, due) in [50, 10, 40, 10, 30, 20].enumerated() { heap.add(index, dueMs: Int64(due)) }
        #expect(heap.popDue(atMs: 5) == nil)
        var taken: [Int64] = []
        while let entry = heap.popDue(atMs: 35) { taken.append(entry.dueMs) }
        #expect(taken == [10, 10, 20, 30])
        #expect(heap.nextDueMs == 40)
    }

    @Test("compaction keeps the current entries, in deadline order, and drops the rest")
    func compactionDropsStale() {
        var heap = TimerHeap<Owner>()
        let owners = (0..<200).map(Owner.init)
        // Every owner's deadline moves earlier five times: four stale entries each.
        for round in 0..<5 {
            for owner in owners {
                owner.dueMs = Int64(10_000 - round * 1_000 + owner.name)
                heap.add(owner, dueMs: owner.dueMs)
            }
        }
        #expect(heap.count == 1_000)
        heap.compact { $0.dueMs == $0.element.dueMs && $0.element.name % 2 == 0 }
        #expect(heap.count == 100)
        var taken: [Int] = []
        while let entry = heap.popDue(atMs: .max) { taken.append(entry.element.name) }
        #expect(taken == Array(stride(from: 0, to: 200, by: 2)))
    }

    @Test("the storage of a crowd that has gone is given back")
    func storageShrinks() {
        var heap = TimerHeap<Int>()
        for index in 0..<10_000 { heap.add(index, dueMs: Int64(index)) }
        #expect(heap.capacity >= 10_000)
        while heap.count > 10, heap.popDue(atMs: .max) != nil {}
        #expect(heap.capacity <= 2 * TimerHeap<Int>.minimumRetainedCapacity)
        var remaining: [Int64] = []
        while let entry = heap.popDue(atMs: .max) { remaining.append(entry.dueMs) }
        #expect(remaining == Array(9_990..<10_000).map(Int64.init))
    }
}
