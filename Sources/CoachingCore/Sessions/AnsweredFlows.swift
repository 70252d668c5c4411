/// The last few `flow` answers of a session, so that a replayed `activity` is answered
/// with the same `flow` it got the first time (PROTOCOL.md: duplicates are answered again,
/// marked). Older duplicates get the latest state with their own `seq`.
///
/// Held inline in the session, packed (``AnsweredFlow``): 168 bytes and no allocation,
/// where four full assessments in an array took a 640-byte block.
public struct AnsweredFlows {
    private typealias Ring = InlineArray<4, AnsweredFlow>
    /// How many answers are kept.
    public static var capacity: Int { Ring.count }
    private var ring = Ring(repeating: .empty)
    private var next = 0

    /// An empty ring.
    public init() {}

    /// Keeps an answered `flow`, replacing the oldest.
    mutating func remember(_ answer: AnsweredFlow) {
        ring[next] = answer
        next = next == ring.count - 1 ? 0 : next + 1
    }

    /// The `flow` answered to `seq`, if it is one of the last ``capacity``.
    func answer(for seq: Int64) -> AnsweredFlow? {
        guard seq > 0 else { return nil }
        for index in ring.indices where ring[index].seq == seq { return ring[index] }
        return nil
    }
}
