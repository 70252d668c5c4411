/// The ids of the open sessions one connection carries, in the order they were attached.
/// Almost always one: it is kept inline, and only further ones go to an array (an array
/// for the usual one would be a 64-byte block per connection).
public struct CarriedSessions: Sequence, ExpressibleByArrayLiteral {
    // `first` last: the connection's one-byte fields then fill its optional's padding.
    private var more: [SessionID] = []
    private var first: SessionID?

    public init(arrayLiteral ids: SessionID...) {
        for id in ids { append(id) }
    }

    /// No session.
    public var isEmpty: Bool { first == nil }

    /// Adds `id` last.
    public mutating func append(_ id: SessionID) {
        if first == nil { first = id } else { more.append(id) }
    }

    /// Removes every id for which `shouldRemove` is true, keeping the order of the others.
    public mutating func removeAll(where shouldRemove: (SessionID) -> Bool) {
        if !more.isEmpty { more.removeAll(where: shouldRemove) }
        if let id = first, shouldRemove(id) { first = more.isEmpty ? nil : more.removeFirst() }
    }

    public func makeIterator() -> Iterator { Iterator(first: first, more: more.makeIterator()) }

    /// The first id, then the others in order.
    public struct Iterator: IteratorProtocol {
        var first: SessionID?
        var more: IndexingIterator<[SessionID]>

        public mutating func next() -> SessionID? {
            if let id = first {
                first = nil
                return id
            }
            return more.next()
        }
    }
}
