/// Where each slot's entry sits in ``ConnectionChecks``' heap. The loop keeps it in the
/// connection object (a 4-byte field where the object had room), so that the queue needs
/// no array per slot beside the connection table.
protocol CheckPositions {
    /// The slot's position in the heap, ``ConnectionChecks/notQueued`` when it has none.
    func checkPosition(ofSlot slot: Int) -> UInt32
    func setCheckPosition(_ position: UInt32, ofSlot slot: Int)
}

/// When the sweep next visits each connection of one loop: a min-heap of check times by
/// slot of the connection table, in 8 bytes a queued connection plus the 4-byte position
/// its connection object keeps (``CheckPositions``).
///
/// Every idle connection has an entry, so its size counts against the idle connection's
/// RSS: times are kept as 32-bit milliseconds after ``epochMs`` and an entry packs
/// `offset << 32 | slot` into one `UInt64`, whose integer order is the heap's order (time,
/// then slot). The epoch moves forward once every 24 days (``rebaseIfNeeded(nowMs:)``).
///
/// A slot has at most one entry: an earlier check moves its entry up in place, a closed
/// connection's entry is removed at once. So the heap holds exactly the connections with a
/// check queued, even right after a crowd arrived (each upgrade asks for an earlier check
/// than its handshake deadline), and its storage shrinks once a crowd has left.
struct ConnectionChecks {
    static let notQueued = UInt32.max
    private static let slotMask: UInt64 = 0xFFFF_FFFF
    private(set) var epochMs: Int64
    private var heap: [UInt64] = []
    /// The least capacity the heap shrinks to.
    let minimumCapacity: Int

    init(epochMs: Int64, minimumCapacity: Int = 1024) {
        self.epochMs = epochMs
        self.minimumCapacity = minimumCapacity
    }

    /// Queued checks (one per slot at most).
    var count: Int { heap.count }

    /// Entries the heap's storage holds room for.
    var capacity: Int { heap.capacity }

    /// The time of the slot's queued check, `Int64.max` when none is queued.
    func scheduledMs(slot: Int, in positions: some CheckPositions) -> Int64 {
        let position = positions.checkPosition(ofSlot: slot)
        return position == Self.notQueued ? .max : epochMs + Int64(heap[Int(position)] >> 32)
    }

    /// Queues a check of `slot` at `dueMs` unless one at that time or earlier is queued.
    /// Returns whether it queued one (or moved the queued one earlier).
    @discardableResult
    mutating func schedule(slot: Int, atMs dueMs: Int64, in positions: some CheckPositions) -> Bool {
        let entry = UInt64(offset(of: dueMs)) << 32 | UInt64(UInt32(truncatingIfNeeded: slot))
        let position = positions.checkPosition(ofSlot: slot)
        if position == Self.notQueued {
            heap.append(entry)
            siftUp(from: heap.count - 1, in: positions)
            return true
        }
        guard entry < heap[Int(position)] else { return false }
        heap[Int(position)] = entry
        siftUp(from: Int(position), in: positions)
        return true
    }

    /// Removes the slot's check, if one is queued (its connection closed or moves to
    /// another loop).
    mutating func remove(slot: Int, in positions: some CheckPositions) {
        let position = positions.checkPosition(ofSlot: slot)
        guard position != Self.notQueued else { return }
        remove(at: Int(position), in: positions)
    }

    /// The slot of the next check due at `nowMs`, removed (its slot then has none queued).
    /// `nil` when nothing is due.
    mutating func popDue(atMs nowMs: Int64, in positions: some CheckPositions) -> Int? {
        if let top = heap.first, Int64(top >> 32) + epochMs <= nowMs {
            let slot = Int(UInt32(truncatingIfNeeded: top))
            remove(at: 0, in: positions)
            return slot
        }
        // After a crowd left (or a burst's growth), give the storage back.
        if heap.capacity > minimumCapacity && heap.count * 4 < heap.capacity {
            var smaller: [UInt64] = []
            smaller.reserveCapacity(max(minimumCapacity, 2 * heap.count))
            smaller.append(contentsOf: heap)
            heap = smaller
        }
        return nil
    }

    /// Moves the epoch to about `nowMs` once offsets pass 2³¹ ms (24.8 days), long before
    /// they could reach 2³² (every entry is then shifted alike, and times already due stay
    /// due).
    mutating func rebaseIfNeeded(nowMs: Int64, in positions: some CheckPositions) {
        guard nowMs - epochMs > Int64(Int32.max) else { return }
        let shift = nowMs - epochMs - 60_000
        for index in heap.indices {
            let offset = UInt32(max(0, Int64(heap[index] >> 32) - shift))
            heap[index] = UInt64(offset) << 32 | (heap[index] & Self.slotMask)
        }
        epochMs += shift
        // Offsets already due all became 0: their order by slot may differ now.
        guard heap.count > 1 else { return }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index, in: positions) }
    }

    /// Milliseconds after the epoch, clamped to what 32 bits hold (a check further ahead
    /// pops early and is queued again).
    private func offset(of dueMs: Int64) -> UInt32 {
        let offset = dueMs.subtractingReportingOverflow(epochMs)
        if offset.overflow { return dueMs < epochMs ? 0 : UInt32.max }
        return UInt32(clamping: max(0, offset.partialValue))
    }

    // MARK: Heap

    private mutating func remove(at position: Int, in positions: some CheckPositions) {
        positions.setCheckPosition(Self.notQueued, ofSlot: Int(UInt32(truncatingIfNeeded: heap[position])))
        let last = heap.removeLast()
        guard position < heap.count else { return }
        heap[position] = last
        siftDown(from: position, in: positions)
        siftUp(from: position, in: positions)
    }

    /// Moves the entry at `start` up to its place, recording the position of every entry moved.
    private mutating func siftUp(from start: Int, in positions: some CheckPositions) {
        let entry = heap[start]
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entry < heap[parent] else { break }
            place(heap[parent], at: child, in: positions)
            child = parent
        }
        place(entry, at: child, in: positions)
    }

    private mutating func siftDown(from start: Int, in positions: some CheckPositions) {
        let entry = heap[start]
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            let right = left + 1
            let smaller = right < heap.count && heap[right] < heap[left] ? right : left
            guard heap[smaller] < entry else { break }
            place(heap[smaller], at: parent, in: positions)
            parent = smaller
        }
        place(entry, at: parent, in: positions)
    }

    private mutating func place(_ entry: UInt64, at position: Int, in positions: some CheckPositions) {
        heap[position] = entry
        positions.setCheckPosition(UInt32(truncatingIfNeeded: position), ofSlot: Int(UInt32(truncatingIfNeeded: entry)))
    }
}
