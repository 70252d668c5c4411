/// A user's sessions on their home loop, in the order they were added: a plain array
/// searched by id. A user holds a handful (at most `sessions.max_per_user` open, plus as
/// many recently ended), where a dictionary's storage cost about 50 bytes per session and
/// hashed the 16-byte id on every `activity`.
public struct UserSessions: Sequence {
    private var all: [LiveSession] = []

    /// No session.
    public init() {}

    /// Sessions held, ended ones included.
    public var count: Int { all.count }

    /// No session held.
    public var isEmpty: Bool { all.isEmpty }

    /// The sessions, in the order they were added.
    public var values: [LiveSession] { all }

    /// The session with `id`; setting nil drops it, setting a session adds or replaces it.
    public subscript(id: SessionID) -> LiveSession? {
        get {
            for live in all where live.id == id { return live }
            return nil
        }
        set {
            if let index = all.firstIndex(where: { $0.id == id }) {
                if let newValue { all[index] = newValue } else { all.remove(at: index) }
            } else if let newValue {
                all.append(newValue)
            }
        }
    }

    /// Drops every session.
    public mutating func removeAll() { all.removeAll() }

    public func makeIterator() -> IndexingIterator<[LiveSession]> { all.makeIterator() }
}
