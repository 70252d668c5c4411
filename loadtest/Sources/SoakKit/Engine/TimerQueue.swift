/// A binary min-heap of deadlines for one loop: each entry names a connection slot and the
/// generation it was armed for, so a deadline of a connection that was closed (and its slot
/// reused) is recognised and dropped when it fires.
public struct TimerQueue: Sendable {
    public struct Entry: Sendable, Equatable {
        public var dueNs: UInt64
        public var slot: Int32
        public var generation: UInt32

        public init(dueNs: UInt64, slot: Int32, generation: UInt32) {
            self.dueNs = dueNs
            self.slot = slot
            self.generation = generation
        }
    }

    private var heap: [Entry] = []

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// The earliest deadline.
    public var nextDueNs: UInt64? { heap.first?.dueNs }

    public mutating func schedule(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].dueNs < heap[parent].dueNs else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `nowNs`.
    public mutating func popDue(nowNs: UInt64) -> Entry? {
        guard let first = heap.first, first.dueNs <= nowNs else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            let right = left + 1
            let smaller = right < heap.count && heap[right].dueNs < heap[left].dueNs ? right : left
            guard heap[smaller].dueNs < heap[parent].dueNs else { break }
            heap.swapAt(smaller, parent)
            parent = smaller
        }
        return first
    }
}
