import FlowEngine
import WireJSON

/// The fields of one `flow` message, packed: 40 bytes where a ``FlowAssessment`` takes 136.
/// The six ratios are kept as the thousandths written (rounded by the writer's own rule).
/// The encoder writes `flow` from this form, and a session keeps its last few for replays,
/// so a replay is byte for byte the first answer.
struct AnsweredFlow {
    /// The answered `seq`; 0 marks an empty slot (an `activity`'s seq is at least 1).
    var seq: Int64
    var flowMs: Int64
    var sessionFlowMs: Int64
    var intensity: UInt16
    var confidence: UInt16
    var rhythm: UInt16
    var focus: UInt16
    var errors: UInt16
    var focusTime: UInt16
    var recommendations: RecommendationSet
    var state: FlowState
    var reason: FlowReason

    /// A slot that answers no seq.
    static let empty = AnsweredFlow(
        seq: 0, flowMs: 0, sessionFlowMs: 0, intensity: 0, confidence: 0, rhythm: 0, focus: 0, errors: 0,
        focusTime: 0, recommendations: [], state: .idle, reason: .none)
}

// In an extension, so that the memberwise initializer `empty` uses is still synthesized.
extension AnsweredFlow {
    /// The fields of the `flow` message `assessment` was encoded into.
    init(_ assessment: FlowAssessment) {
        let components = assessment.components
        self.init(
            seq: assessment.seq, flowMs: assessment.flowMs, sessionFlowMs: assessment.sessionFlowMs,
            intensity: Self.units(assessment.intensity), confidence: Self.units(assessment.confidence),
            rhythm: Self.units(components.rhythm), focus: Self.units(components.focus),
            errors: Self.units(components.errors), focusTime: Self.units(components.focusTime),
            recommendations: assessment.recommendations, state: assessment.state, reason: assessment.reason)
    }

    /// `value` as the encoder writes it (clamped to 0…1, NaN as 0), in thousandths: 0…1000.
    @inline(__always)
    static func units(_ value: Double) -> UInt16 {
        let ratio = OutboundEncoder.ratio(value)
        // On the hot path: one product is exact enough unless it lies near a tie (its error
        // is below 10^-13 for a ratio); only then ask the writer for its exact rounding.
        let product = ratio * Double(OutboundEncoder.ratioScale)
        let nearest = product.rounded(.toNearestOrEven)
        if (product - nearest).magnitude < 0.25 { return UInt16(truncatingIfNeeded: Int(nearest)) }
        let units = JSONWriter.decimalUnits(ratio, fractionDigits: OutboundEncoder.ratioDigits)
        return UInt16(truncatingIfNeeded: units)
    }
}
