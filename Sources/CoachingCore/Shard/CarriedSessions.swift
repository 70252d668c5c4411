/// The open sessions one connection carries, in the order they were attached. Almost always
/// one: it is kept inline, and only further ones go to an array (an array for the usual one
/// would be a 64-byte block per connection).
///
/// It holds the sessions themselves, not their ids, so that an `activity` finds its session
/// from the connection it came on: the user's table would have it compare the id of every
/// session before it, each a separate object, cold at the `steady` load shape (thousands of
/// sessions sending every few seconds). The reference takes 8 bytes where the optional id
/// took 17.
///
/// A session refers to its carrier and the carrier to the session: the shard breaks the
/// cycle whenever a session leaves its connection (the connection closes or hands the user
/// over, the session ends, moves to another connection or is purged), as it did for the id.
public struct CarriedSessions: Sequence, ExpressibleByArrayLiteral {
    // `first` last: the connection's one-byte fields then follow it.
    private var more: [LiveSession] = []
    private var first: LiveSession?

    public init(arrayLiteral sessions: LiveSession...) {
        for live in sessions { append(live) }
    }

    /// No session.
    public var isEmpty: Bool { first == nil }

    /// The carried session with `id`, nil when this connection does not carry it.
    public subscript(id: SessionID) -> LiveSession? {
        if let first, first.id == id { return first }
        if more.isEmpty { return nil }
        for live in more where live.id == id { return live }
        return nil
    }

    /// Adds `live` last.
    public mutating func append(_ live: LiveSession) {
        if first == nil { first = live } else { more.append(live) }
    }

    /// Removes every session for which `shouldRemove` is true, keeping the order of the others.
    public mutating func removeAll(where shouldRemove: (LiveSession) -> Bool) {
        if !more.isEmpty { more.removeAll(where: shouldRemove) }
        if let live = first, shouldRemove(live) { first = more.isEmpty ? nil : more.removeFirst() }
    }

    public func makeIterator() -> Iterator { Iterator(first: first, more: more.makeIterator()) }

    /// The first session, then the others in order.
    public struct Iterator: IteratorProtocol {
        var first: LiveSession?
        var more: IndexingIterator<[LiveSession]>

        public mutating func next() -> LiveSession? {
            if let live = first {
                first = nil
                return live
            }
            return more.next()
        }
    }
}
