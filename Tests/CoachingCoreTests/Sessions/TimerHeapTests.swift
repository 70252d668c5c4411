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

    @Test("random adds and pops come out as a sorted reference does, and every element is released once taken")
    func randomAgainstSorted() {
        var heap = TimerHeap<Owner>()
        var reference: [Int64] = []
        var weakOwners: [() -> Owner?] = []
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var nowMs: Int64 = 0
        for step in 0..<20_000 {
            if next(3) > 0 {
                let owner = Owner(step)
                weak let weakOwner = owner
                weakOwners.append { weakOwner }
                let due = nowMs + Int64(next(1_000))  // ties are common
                heap.add(owner, dueMs: due)
                reference.append(due)
            } else {
                nowMs += Int64(next(50))
                var taken: [Int64] = []
                while let entry = heap.popDue(atMs: nowMs) { taken.append(entry.dueMs) }
                reference.sort()
                let due = reference.prefix { $0 <= nowMs }
                #expect(taken == Array(due))
                reference.removeFirst(due.count)
                #expect(heap.count == reference.count)
            }
        }
        while heap.popDue(atMs: .max) != nil {}
        #expect(heap.count == 0)
        #expect(weakOwners.allSatisfy { $0() == nil })
    }
}
