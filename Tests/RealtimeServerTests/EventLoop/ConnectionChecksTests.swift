import Testing

@testable import RealtimeServer

/// The sweep's compact check queue: order, stale entries, and the epoch moving on.
struct ConnectionChecksTests {
    func checks(slots: Int, epochMs: Int64 = 1_000, compactionMinimum: Int = 1024) -> ConnectionChecks {
        var checks = ConnectionChecks(epochMs: epochMs, compactionMinimum: compactionMinimum)
        for _ in 0..<slots { checks.appendSlot() }
        return checks
    }

    func drain(_ checks: inout ConnectionChecks, atMs nowMs: Int64) -> [Int] {
        var slots: [Int] = []
        while let slot = checks.popDue(atMs: nowMs) { slots.append(slot) }
        return slots
    }

    @Test("checks pop in time order, only once due, and a slot's earlier check replaces its later one")
    func order() {
        var queue = checks(slots: 4)
        queue.schedule(slot: 0, atMs: 5_000)
        queue.schedule(slot: 1, atMs: 2_000)
        queue.schedule(slot: 2, atMs: 9_000)
        let earlier = queue.schedule(slot: 2, atMs: 3_000)
        let later = queue.schedule(slot: 2, atMs: 4_000)
        #expect(earlier)
        #expect(!later, "a later check than the queued one adds nothing")
        #expect(queue.scheduledMs(slot: 2) == 3_000)
        #expect(queue.scheduledMs(slot: 3) == .max)
        #expect(drain(&queue, atMs: 1_999).isEmpty)
        #expect(drain(&queue, atMs: 3_000) == [1, 2])
        #expect(drain(&queue, atMs: 100_000) == [0], "slot 2's superseded entry at 9 s is dropped")
        #expect(queue.scheduledMs(slot: 0) == .max)
    }

    @Test("a cleared slot's check never pops, and compaction drops it")
    func clearedSlots() {
        var queue = checks(slots: 3, compactionMinimum: 2)
        queue.schedule(slot: 0, atMs: 2_000)
        queue.schedule(slot: 1, atMs: 2_000)
        queue.clear(slot: 0)
        queue.compact()
        #expect(queue.count == 1)
        #expect(drain(&queue, atMs: 2_000) == [1])
    }

    @Test("times before the epoch are due at once; times beyond 32 bits pop early rather than never")
    func clamping() {
        var queue = checks(slots: 2, epochMs: 10_000)
        queue.schedule(slot: 0, atMs: 5)
        queue.schedule(slot: 1, atMs: .max - 1)
        #expect(drain(&queue, atMs: 10_000) == [0])
        #expect(drain(&queue, atMs: 10_000 + Int64(UInt32.max)) == [1])
    }

    @Test("after 24 days the epoch moves on and every queued check keeps its time")
    func rebase() {
        var queue = checks(slots: 3, epochMs: 0)
        let now = Int64(Int32.max) + 5_000
        queue.schedule(slot: 0, atMs: now + 30_000)
        queue.schedule(slot: 1, atMs: now + 1_000)
        queue.schedule(slot: 2, atMs: now - 100)  // overdue
        queue.rebaseIfNeeded(nowMs: now)
        #expect(queue.epochMs > 0)
        #expect(queue.scheduledMs(slot: 0) == now + 30_000)
        #expect(queue.scheduledMs(slot: 1) == now + 1_000)
        #expect(drain(&queue, atMs: now) == [2])
        #expect(drain(&queue, atMs: now + 1_000) == [1])
        #expect(drain(&queue, atMs: now + 30_000) == [0])
    }

    @Test("after thousands of checks popped, the ones left and new ones still pop in order")
    func shrinks() {
        var queue = checks(slots: 5_000, compactionMinimum: 16)
        for slot in 0..<5_000 { queue.schedule(slot: slot, atMs: 2_000 + Int64(slot)) }
        #expect(drain(&queue, atMs: 6_990).count == 4_991)
        #expect(queue.count == 9)
        queue.schedule(slot: 0, atMs: 8_000)
        #expect(drain(&queue, atMs: 100_000).count == 10)
    }
}
