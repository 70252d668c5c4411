/// Milliseconds per key (language, project) with a bounded number of keys: once
/// `maximumKeys` distinct keys are held, further keys are added to ``otherKey``. So a client
/// sending a new language name every window cannot grow memory.
///
/// Storage grows with the keys seen rather than being reserved for `maximumKeys` up front:
/// a session usually has one or two languages, and ten thousand sessions each holding room
/// for seventeen cost 4 MiB. The first key is kept inline, further ones in an array: the
/// usual tally has one key, and as an array's only element it cost a 64-byte block and,
/// on every window added, a cache line of its own, cold when thousands of sessions take
/// turns. Adding to an existing key never allocates.
public struct BoundedTally: Hashable, Sendable, Sequence {
    /// One key and its total.
    public struct Entry: Hashable, Sendable {
        /// The key as sent (languages and projects are short, so usually stored inline).
        public var key: String
        /// Total milliseconds.
        public var ms: Int64
    }

    /// Where keys beyond the bound go.
    public static let otherKey = "other"
    /// Keys longer than this (UTF-8 bytes) are tallied as ``otherKey`` too.
    public static let maximumKeyBytes = 64

    /// Distinct keys kept before overflowing into ``otherKey``.
    public let maximumKeys: Int
    /// The first key seen (nil while empty) and its total.
    private var firstKey: String?
    private var firstMs: Int64 = 0
    /// The entries after the first, in first-seen order (no storage while there are none).
    private(set) var more: [Entry] = []

    /// The entries in first-seen order (built when asked: summaries and checkpoints).
    public var entries: [Entry] {
        guard let firstKey else { return [] }
        return [Entry(key: firstKey, ms: firstMs)] + more
    }

    /// An empty tally holding at most `maximumKeys` keys (plus ``otherKey``).
    public init(maximumKeys: Int = 16) {
        self.maximumKeys = Swift.max(0, Swift.min(maximumKeys, 256))
    }

    /// Adds `ms` (ignored unless positive) to `key`.
    public mutating func add(_ ms: Int64, to key: String) {
        guard ms > 0 else { return }
        // The usual case first: the key seen before, held inline.
        if let firstKey, firstKey == key {
            firstMs = firstMs.saturatingAdded(ms)
            return
        }
        var key = key
        if key.utf8.count > Self.maximumKeyBytes || key.isEmpty { key = Self.otherKey }
        guard let firstKey else {
            if maximumKeys == 0 && key != Self.otherKey { key = Self.otherKey }
            self.firstKey = key
            firstMs = ms
            return
        }
        if firstKey == key {
            firstMs = firstMs.saturatingAdded(ms)
            return
        }
        for index in more.indices where more[index].key == key {
            more[index].ms = more[index].ms.saturatingAdded(ms)
            return
        }
        let distinct = count - (firstKey == Self.otherKey || more.contains { $0.key == Self.otherKey } ? 1 : 0)
        if distinct >= maximumKeys, key != Self.otherKey {
            add(ms, to: Self.otherKey)
            return
        }
        more.append(Entry(key: key, ms: ms))
    }

    /// The total for `key` (0 when absent).
    public subscript(key: String) -> Int64 {
        if let firstKey, firstKey == key { return firstMs }
        return more.first { $0.key == key }?.ms ?? 0
    }

    /// Number of keys held.
    public var count: Int { firstKey == nil ? 0 : 1 + more.count }

    /// Sum over all keys.
    public var totalMs: Int64 { more.reduce(firstMs) { $0.saturatingAdded($1.ms) } }

    public func makeIterator() -> Iterator { Iterator(first: firstKey.map { Entry(key: $0, ms: firstMs) }, more: more.makeIterator()) }

    /// The first entry, then the others in first-seen order.
    public struct Iterator: IteratorProtocol {
        var first: Entry?
        var more: IndexingIterator<[Entry]>

        public mutating func next() -> Entry? {
            if let entry = first {
                first = nil
                return entry
            }
            return more.next()
        }
    }
}
