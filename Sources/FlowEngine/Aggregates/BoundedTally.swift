/// Milliseconds per key (language, project) with a bounded number of keys: once
/// `maximumKeys` distinct keys are held, further keys are added to ``otherKey``. So a client
/// sending a new language name every window cannot grow memory.
///
/// Storage grows with the keys seen rather than being reserved for `maximumKeys` up front:
/// a session usually has one or two languages, and ten thousand sessions each holding room
/// for seventeen cost 4 MiB. Adding to an existing key never allocates.
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
    /// The entries in first-seen order.
    public private(set) var entries: [Entry] = []

    /// An empty tally holding at most `maximumKeys` keys (plus ``otherKey``).
    public init(maximumKeys: Int = 16) {
        self.maximumKeys = Swift.max(0, Swift.min(maximumKeys, 256))
    }

    /// Adds `ms` (ignored unless positive) to `key`.
    public mutating func add(_ ms: Int64, to key: String) {
        guard ms > 0 else { return }
        var key = key
        if key.utf8.count > Self.maximumKeyBytes || key.isEmpty { key = Self.otherKey }
        for index in entries.indices where entries[index].key == key {
            entries[index].ms = entries[index].ms.saturatingAdded(ms)
            return
        }
        let distinct = entries.count - (entries.contains { $0.key == Self.otherKey } ? 1 : 0)
        if distinct >= maximumKeys, key != Self.otherKey {
            add(ms, to: Self.otherKey)
            return
        }
        entries.append(Entry(key: key, ms: ms))
    }

    /// The total for `key` (0 when absent).
    public subscript(key: String) -> Int64 {
        entries.first { $0.key == key }?.ms ?? 0
    }

    /// Number of keys held.
    public var count: Int { entries.count }

    /// Sum over all keys.
    public var totalMs: Int64 { entries.reduce(0) { $0.saturatingAdded($1.ms) } }

    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
