/// A small table of recently seen strings, so a short name that repeats on every message
/// (an `activity`'s `language`) becomes a `String` without allocating.
///
/// Swift stores strings of up to 15 UTF-8 bytes inline, so those are built directly. Longer
/// ones are looked up here by their bytes and, when found, shared (a retain). A miss builds
/// the string and replaces the oldest entry, so a client cycling through new names costs an
/// allocation per message but can never grow the table beyond ``capacity`` entries.
public struct StringInterner {
    /// Strings up to this many UTF-8 bytes are stored inline by the standard library.
    public static let inlineBytes = 15

    /// Most strings kept.
    public let capacity: Int
    /// The kept strings, in insertion order until full, then a ring.
    private var entries: [String] = []
    /// Next entry to replace once full.
    private var nextVictim = 0

    /// Creates an empty table of at most `capacity` strings.
    public init(capacity: Int = 32) {
        self.capacity = Swift.max(1, capacity)
        entries.reserveCapacity(self.capacity)
    }

    /// Number of strings kept.
    public var count: Int { entries.count }

    /// The string whose UTF-8 is `utf8` (valid UTF-8, as the JSON parser guarantees).
    public mutating func string(utf8: UnsafeRawBufferPointer) -> String {
        if utf8.count <= Self.inlineBytes {
            return String(decoding: utf8, as: UTF8.self)
        }
        for index in entries.indices {
            var candidate = entries[index]
            let same = candidate.withUTF8 { stored in
                stored.count == utf8.count && UnsafeRawBufferPointer(stored).elementsEqual(utf8)
            }
            if same { return candidate }
        }
        let made = String(decoding: utf8, as: UTF8.self)
        if entries.count < capacity {
            entries.append(made)
        } else {
            entries[nextVictim] = made
            nextVictim = (nextVictim + 1) % capacity
        }
        return made
    }
}
