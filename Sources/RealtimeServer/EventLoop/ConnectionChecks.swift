/// When the sweep next visits each connection of one loop: a min-heap of check times by
/// slot of the connection table, in 12 bytes a connection (a 4-byte time per slot, an 8-byte
/// heap entry, and at most one stale entry more between two compactions).
///
/// Every idle connection has an entry, so its size counts against the idle connection's
/// RSS: times are kept as 32-bit milliseconds after ``epochMs`` and an entry packs
/// `offset << 32 | slot` into one `UInt64`, whose integer order is the heap's order (time,
/// then slot). The epoch moves forward once every 24 days (``rebaseIfNeeded(nowMs:)``).
///
/// An entry is current while its time is the one recorded for its slot; an earlier check
/// asked for later leaves the old entry stale, dropped when it pops or at the next
/// compaction (when the heap has doubled since the last one, O(1) amortised).
struct ConnectionChecks {
    private static let none = UInt32.max
    private(set) var epochMs: Int64
    private var heap: [UInt64] = []
    /// Per slot: the offset of its current entry, or ``none``.
    private var scheduled: [UInt32] = []
    private var compactionCount: Int
    /// The least ``compactionCount`` gets (tests lower it to compact often).
    var compactionMinimum: Int {
        didSet { compactionCount = compactionMinimum }
    }

    init(epochMs: Int64, compactionMinimum: Int = 1024) {
        self.epochMs = epochMs
        self.compactionMinimum = compactionMinimum
        compactionCount = compactionMinimum
    }

    /// Entries in the heap, stale ones included.
    var count: Int { heap.count }

    /// Makes room for slot `scheduled.count` (a new slot of the connection table).
    mutating func appendSlot() { scheduled.append(Self.none) }

    /// Forgets the slot's check (the slot gets a new connection): its entries go stale.
    mutating func clear(slot: Int) { scheduled[slot] = Self.none }

    /// The time of the slot's current check, `Int64.max` when none is queued.
    func scheduledMs(slot: Int) -> Int64 {
        let offset = scheduled[slot]
        return offset == Self.none ? .max : epochMs + Int64(offset)
    }

    /// Queues a check of `slot` at `dueMs` unless one at that time or earlier is queued.
    /// Returns whether it queued one.
    @discardableResult
    mutating func schedule(slot: Int, atMs dueMs: Int64) -> Bool {
        let offset = self.offset(of: dueMs)
        guard offset < scheduled[slot] else { return false }
        scheduled[slot] = offset
        push(UInt64(offset) << 32 | UInt64(UInt32(truncatingIfNeeded: slot)))
        if heap.count >= compactionCount { compact() }
        return true
    }

    /// The slot of the next current check due at `nowMs`, removed (its slot then has none
    /// queued); stale entries met on the way are dropped. `nil` when nothing is due.
    mutating func popDue(atMs nowMs: Int64) -> Int? {
        while let top = heap.first, Int64(top >> 32) + epochMs <= nowMs {
            popTop()
            guard isCurrent(top) else { continue }
            let slot = Int(UInt32(truncatingIfNeeded: top))
            scheduled[slot] = Self.none
            return slot
        }
        // After a crowd left, give the storage back.
        if heap.capacity > 4 * compactionMinimum && heap.count * 8 < heap.capacity {
            var smaller: [UInt64] = []
            smaller.reserveCapacity(max(compactionMinimum, 2 * heap.count))
            smaller.append(contentsOf: heap)
            heap = smaller
        }
        return nil
    }

    /// Drops the stale entries, in place: while connections arrive there are none, and a
    /// compaction then allocates nothing (every idle connection's bytes count).
    mutating func compact() {
        var kept = 0
        for index in heap.indices where isCurrent(heap[index]) {
            heap[kept] = heap[index]
            kept += 1
        }
        if kept < heap.count {
            heap.removeLast(heap.count - kept)
            heapify()
        }
        compactionCount = max(compactionMinimum, 2 * heap.count)
    }

    private func isCurrent(_ entry: UInt64) -> Bool {
        let slot = Int(UInt32(truncatingIfNeeded: entry))
        return slot < scheduled.count && UInt64(scheduled[slot]) == entry >> 32
    }

    /// Moves the epoch to about `nowMs` once offsets pass 2³¹ ms (24.8 days), long before
    /// they could reach 2³² (every entry is then shifted alike, and times already due stay
    /// due).
    mutating func rebaseIfNeeded(nowMs: Int64) {
        guard nowMs - epochMs > Int64(Int32.max) else { return }
        let shift = nowMs - epochMs - 60_000
        func shifted(_ offset: UInt32) -> UInt32 { UInt32(max(0, Int64(offset) - shift)) }
        for slot in scheduled.indices where scheduled[slot] != Self.none { scheduled[slot] = shifted(scheduled[slot]) }
        for index in heap.indices {
            heap[index] = UInt64(shifted(UInt32(heap[index] >> 32))) << 32 | (heap[index] & 0xFFFF_FFFF)
        }
        epochMs += shift
        heapify()
    }

    /// Milliseconds after the epoch, clamped to what 32 bits hold below ``none`` (a check
    /// further ahead pops early and is queued again).
    private func offset(of dueMs: Int64) -> UInt32 {
        let offset = dueMs.subtractingReportingOverflow(epochMs)
        if offset.overflow { return dueMs < epochMs ? 0 : Self.none - 1 }
        return UInt32(clamping: max(0, min(offset.partialValue, Int64(Self.none - 1))))
    }

    // MARK: Heap

    private mutating func push(_ entry: UInt64) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(from: 0)
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            let smaller = right < heap.count && heap[right] < heap[left] ? right : left
            guard heap[smaller] < heap[parent] else { return }
            heap.swapAt(smaller, parent)
            parent = smaller
        }
    }

    private mutating func heapify() {
        guard heap.count > 1 else { return }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }
}
