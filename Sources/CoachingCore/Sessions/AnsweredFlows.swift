public import FlowEngine

/// The last few `flow` answers of a session, so that a replayed `activity` is answered
/// with the same `flow` it got the first time (PROTOCOL.md: duplicates are answered again,
/// marked). Older duplicates get the latest state with their own `seq`.
public struct AnsweredFlows {
    public static let capacity = 4
    private var ring: [FlowAssessment] = []
    private var next = 0

    public mutating func remember(_ assessment: FlowAssessment) {
        if ring.count < Self.capacity {
            ring.append(assessment)
        } else {
            ring[next] = assessment
            next = (next + 1) % Self.capacity
        }
    }

    public func answer(for seq: Int64) -> FlowAssessment? {
        ring.first { $0.seq == seq }
    }
}
