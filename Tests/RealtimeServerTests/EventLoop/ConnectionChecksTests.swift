import Testing

@testable import RealtimeServer

/// The sweep's compact check queue: order, one entry per slot, removal, and the epoch moving on.
struct ConnectionChecksTests {
    /// Positions by slot, as the loop's connection objects keep them.
    final class Positions: CheckPositions {
        var bySlot: [UInt32]

        init(slots: Int) { bySlot = Array(repeating: ConnectionChecks.notQueued, count: slots) }

        func checkPosition(ofSlot slot: Int) -> UInt32 { bySlot[slot] }

        func setCheckPosition(_ position: UInt32, ofSlot slot: Int) { bySlot[slot] = position }
    }

    func drain(_ checks: inout ConnectionChecks, _ positions: Positions, atMs nowMs: Int64) -> [Int] {
        var slots: [Int] = []
        while let slot = checks.popDue(atMs: nowMs, in: positions) { slots.append(slot) }
        return slots
    }

    @Test("checks pop in time order, only once due, and a slot's earlier check replaces its later one")
    func order() {
        var queue = ConnectionChecks(epochMs: 1_000)
        let positions = Positions(slots: 4)
        queue.schedule(slot: 0, atMs: 5_000, in: positions)
        queue.schedule(slot: 1, atMs: 2_000, in: positions)
        queue.schedule(slot: 2, atMs: 9_000, in: positions)
        let earlier = queue.schedule(slot: 2, atMs: 3_000, in: positions)
        let later = queue.schedule(slot: 2, atMs: 4_000, in: positions)
        #expect(earlier)
        #expect(!later, "a later check than the queued one adds nothing")
        #expect(queue.count == 3, "the earlier check moved slot 2's entry instead of adding one")
        #expect(queue.scheduledMs(slot: 2, in: positions) == 3_000)
        #expect(queue.scheduledMs(slot: 3, in: positions) == .max)
        #expect(drain(&queue, positions, atMs: 1_999).isEmpty)
        #expect(drain(&queue, positions, atMs: 3_000) == [1, 2])
        #expect(drain(&queue, positions, atMs: 100_000) == [0])
        #expect(queue.count == 0)
        #expect(positions.bySlot.allSatisfy { $0 == ConnectionChecks.notQueued })
    }

    @Test("a removed slot's check never pops and leaves nothing behind")
    func removedSlots() {
        var queue = ConnectionChecks(epochMs: 1_000)
        let positions = Positions(slots: 3)
        queue.schedule(slot: 0, atMs: 2_000, in: positions)
        queue.schedule(slot: 1, atMs: 2_000, in: positions)
        queue.remove(slot: 0, in: positions)
        queue.remove(slot: 2, in: positions)  // none queued: nothing happens
        #expect(queue.count == 1)
        #expect(queue.scheduledMs(slot: 0, in: positions) == .max)
        #expect(drain(&queue, positions, atMs: 2_000) == [1])
    }

    @Test("random schedules, removals and pops agree with a plain list of times, and positions stay right")
    func agreesWithAList() {
        var queue = ConnectionChecks(epochMs: 0, minimumCapacity: 4)
        let slots = 64
        let positions = Positions(slots: slots)
        var expected: [Int64?] = Array(repeating: nil, count: slots)
        var random = SystemRandomNumberGenerator()
        var nowMs: Int64 = 0
        for _ in 0..<20_000 {
            let slot = Int.random(in: 0..<slots, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let dueMs = nowMs + Int64.random(in: 0..<5_000, using: &random)
                let queued = queue.schedule(slot: slot, atMs: dueMs, in: positions)
                #expect(queued == (expected[slot].map { dueMs < $0 } ?? true))
                expected[slot] = min(expected[slot] ?? .max, dueMs)
            case 5:
                queue.remove(slot: slot, in: positions)
                expected[slot] = nil
            default:
                nowMs += Int64.random(in: 0..<200, using: &random)
                var due: [(Int64, Int)] = []
                for (slot, time) in expected.enumerated() { if let time, time <= nowMs { due.append((time, slot)) } }
                due.sort { $0 < $1 }
                let popped = drain(&queue, positions, atMs: nowMs)
                #expect(popped == due.map(\.1))
                for slot in popped { expected[slot] = nil }
            }
            #expect(queue.count == expected.compactMap { $0 }.count, "one entry per queued slot")
            for slot in 0..<slots { #expect(queue.scheduledMs(slot: slot, in: positions) == (expected[slot] ?? .max)) }
            if queue.count != expected.compactMap({ $0 }).count { return }
        }
    }

    @Test("times before the epoch are due at once; times beyond 32 bits pop early rather than never")
    func clamping() {
        var queue = ConnectionChecks(epochMs: 10_000)
        let positions = Positions(slots: 2)
        queue.schedule(slot: 0, atMs: 5, in: positions)
        queue.schedule(slot: 1, atMs: .max - 1, in: positions)
        #expect(drain(&queue, positions, atMs: 10_000) == [0])
        #expect(drain(&queue, positions, atMs: 10_000 + Int64(UInt32.max)) == [1])
    }

    @Test("after 24 days the epoch moves on and every queued check keeps its time")
    func rebase() {
        var queue = ConnectionChecks(epochMs: 0)
        let positions = Positions(slots: 4)
        let now = Int64(Int32.max) + 5_000
        queue.schedule(slot: 0, atMs: now + 30_000, in: positions)
        queue.schedule(slot: 1, atMs: now + 1_000, in: positions)
        // Overdue by more than the shift keeps: both become offset 0, and the heap's order
        // (slot 3 first) must follow their new order by slot.
        queue.schedule(slot: 3, atMs: now - 80_000, in: positions)
        queue.schedule(slot: 2, atMs: now - 70_000, in: positions)
        queue.rebaseIfNeeded(nowMs: now, in: positions)
        #expect(queue.epochMs > 0)
        #expect(queue.scheduledMs(slot: 0, in: positions) == now + 30_000)
        #expect(queue.scheduledMs(slot: 1, in: positions) == now + 1_000)
        #expect(drain(&queue, positions, atMs: now) == [2, 3])
        #expect(drain(&queue, positions, atMs: now + 1_000) == [1])
        #expect(drain(&queue, positions, atMs: now + 30_000) == [0])
    }

    @Test("after thousands of checks popped, the storage shrinks and what is left still pops in order")
    func shrinks() {
        var queue = ConnectionChecks(epochMs: 1_000, minimumCapacity: 16)
        let positions = Positions(slots: 5_000)
        for slot in 0..<5_000 { queue.schedule(slot: slot, atMs: 2_000 + Int64(slot), in: positions) }
        #expect(queue.capacity >= 5_000)
        #expect(drain(&queue, positions, atMs: 6_990).count == 4_991)
        #expect(queue.count == 9)
        #expect(queue.capacity <= 64, "the crowd's storage went back")
        queue.schedule(slot: 0, atMs: 8_000, in: positions)
        #expect(drain(&queue, positions, atMs: 100_000) == Array(4_991..<5_000) + [0])
    }
}
