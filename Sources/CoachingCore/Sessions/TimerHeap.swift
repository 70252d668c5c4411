/// Deadlines of many objects, earliest first: a binary min-heap in one flat array, so a
/// periodic sweep visits only what is due (O(log n) to add or take one, no allocation once
/// the array has grown to its working size).
///
/// Entries are never removed or moved early: an owner whose deadline changes adds a new
/// entry, and the sweep ignores the ones that no longer match (see ``CoachingShard``'s
/// session wake-ups). An element may therefore appear more than once; ``compact(keeping:)``
/// drops the stale entries before they pile up, and the array gives back storage when the
/// heap shrinks far below it.
public struct TimerHeap<Element> {
    /// One deadline.
    public struct Entry {
        public var dueMs: Int64
        public var element: Element
    }

    /// Below this capacity the array is never shrunk: the reallocation would cost more than
    /// the memory it returns.
    static var minimumRetainedCapacity: Int { 256 }

    private var entries: [Entry] = []

    public init() {}

    /// Entries held, stale ones included.
    public var count: Int { entries.count }

    /// Entries the storage has room for.
    public var capacity: Int { entries.capacity }

    /// The earliest deadline, nil when empty.
    public var nextDueMs: Int64? { entries.first?.dueMs }

    /// Adds `element` due at `dueMs`.
    public mutating func add(_ element: Element, dueMs: Int64) {
        entries.append(Entry(dueMs: dueMs, element: element))
        // Sift up through a hole: the new entry is moved out once and its ancestors moved
        // down into the hole, in the array's storage (one uniqueness check, no reference
        // counting, no bounds checks per level; the same comparisons as swapping).
        entries.withUnsafeMutableBufferPointer { heap in
            guard let base = heap.baseAddress else { return }
            var hole = heap.count - 1
            let moving = (base + hole).move()
            while hole > 0 {
                let parent = (hole - 1) / 2
                guard moving.dueMs < base[parent].dueMs else { break }
                (base + hole).moveInitialize(from: base + parent, count: 1)
                hole = parent
            }
            (base + hole).initialize(to: moving)
        }
    }

    /// Takes the earliest entry if it is due at `nowMs` (`dueMs <= nowMs`).
    public mutating func popDue(atMs nowMs: Int64) -> Entry? {
        guard let first = entries.first, first.dueMs <= nowMs else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else {
            releaseStorageIfSparse()
            return first
        }
        entries[0] = last
        siftDown(from: 0)
        releaseStorageIfSparse()
        return first
    }

    /// Keeps only the entries `isCurrent` accepts (O(n)), in heap order again, in storage
    /// sized for them rather than for the crowd before. The owner calls it when the heap
    /// has doubled since the last compaction, so the work is O(1) per added entry, amortised.
    public mutating func compact(keeping isCurrent: (Entry) -> Bool) {
        var kept: [Entry] = []
        kept.reserveCapacity(Swift.max(Self.minimumRetainedCapacity, entries.count / 2))
        for entry in entries where isCurrent(entry) { kept.append(entry) }
        entries = kept
        var parent = entries.count / 2 - 1
        while parent >= 0 {
            siftDown(from: parent)
            parent -= 1
        }
    }

    /// Sift down through a hole, as ``add(_:dueMs:)`` sifts up.
    private mutating func siftDown(from start: Int) {
        entries.withUnsafeMutableBufferPointer { heap in
            guard let base = heap.baseAddress, start < heap.count else { return }
            let count = heap.count
            var hole = start
            let moving = (base + hole).move()
            while true {
                let left = 2 * hole + 1
                guard left < count else { break }
                let right = left + 1
                let smaller = right < count && base[right].dueMs < base[left].dueMs ? right : left
                guard base[smaller].dueMs < moving.dueMs else { break }
                (base + hole).moveInitialize(from: base + smaller, count: 1)
                hole = smaller
            }
            (base + hole).initialize(to: moving)
        }
    }

    /// After a crowd has gone (clients left), the array keeps its largest size unless
    /// asked: copy the survivors into storage twice their number once they fill less than
    /// an eighth of it (O(1) amortised: the copy is paid for by the removals before it).
    private mutating func releaseStorageIfSparse() {
        let capacity = entries.capacity
        guard capacity > Self.minimumRetainedCapacity, entries.count <= capacity / 8 else { return }
        var smaller: [Entry] = []
        smaller.reserveCapacity(Swift.max(Self.minimumRetainedCapacity, 2 * entries.count))
        smaller.append(contentsOf: entries)
        entries = smaller
    }
}
