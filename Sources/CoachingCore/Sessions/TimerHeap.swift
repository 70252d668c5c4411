/// Deadlines of many objects, earliest first: a binary min-heap in one flat array, so a
/// periodic sweep visits only what is due (O(log n) to add or take one, no allocation once
/// the array has grown to its working size).
///
/// Entries are never removed or moved early: an owner whose deadline changes adds a new
/// entry, and the sweep ignores the ones that no longer match (see ``CoachingShard``'s
/// session wake-ups). An element may therefore appear more than once.
public struct TimerHeap<Element> {
    /// One deadline.
    public struct Entry {
        public var dueMs: Int64
        public var element: Element
    }

    private var entries: [Entry] = []

    public init() {}

    /// Entries held, stale ones included.
    public var count: Int { entries.count }

    /// The earliest deadline, nil when empty.
    public var nextDueMs: Int64? { entries.first?.dueMs }

    /// Adds `element` due at `dueMs`.
    public mutating func add(_ element: Element, dueMs: Int64) {
        entries.append(Entry(dueMs: dueMs, element: element))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].dueMs < entries[parent].dueMs else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Takes the earliest entry if it is due at `nowMs` (`dueMs <= nowMs`).
    public mutating func popDue(atMs nowMs: Int64) -> Entry? {
        guard let first = entries.first, first.dueMs <= nowMs else { return nil }
        let last = entries.removeLast()
        guard !entries.isEmpty else { return first }
        entries[0] = last
        var parent = 0
        let count = entries.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { break }
            let right = left + 1
            let smaller = right < count && entries[right].dueMs < entries[left].dueMs ? right : left
            guard entries[smaller].dueMs < entries[parent].dueMs else { break }
            entries.swapAt(smaller, parent)
            parent = smaller
        }
        return first
    }
}
