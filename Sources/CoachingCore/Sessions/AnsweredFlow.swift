import FlowEngine
import WireJSON

/// One `flow` answer packed to what encoding it again needs: 40 bytes where a
/// ``FlowAssessment`` takes 152. The six ratios are kept as the thousandths the encoder
/// writes (rounded by the writer's own rule), so a replay is byte for byte the first answer.
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

    private init(seq: Int64, flowMs: Int64, sessionFlowMs: Int64, intensity: UInt16, confidence: UInt16, rhythm: UInt16,
                 focus: UInt16, errors: UInt16, focusTime: UInt16, recommendations: RecommendationSet, state: FlowState,
                 reason: FlowReason) {
        self.seq = seq
        self.flowMs = flowMs
        self.sessionFlowMs = sessionFlowMs
        self.intensity = intensity
        self.confidence = confidence
        self.rhythm = rhythm
        self.focus = focus
        self.errors = errors
        self.focusTime = focusTime
        self.recommendations = recommendations
        self.state = state
        self.reason = reason
    }

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

    /// An assessment that encodes to the same `flow` message. Only the message's fields are
    /// meaningful: the event time, the ended period and the recovery are not kept.
    var assessment: FlowAssessment {
        var assessment = FlowAssessment.initial(seq: seq)
        assessment.state = state
        assessment.previousState = state
        assessment.intensity = Self.ratio(intensity)
        assessment.confidence = Self.ratio(confidence)
        assessment.flowMs = flowMs
        assessment.sessionFlowMs = sessionFlowMs
        assessment.recommendations = recommendations
        assessment.components = FlowComponents(
            rhythm: Self.ratio(rhythm), focus: Self.ratio(focus), errors: Self.ratio(errors),
            focusTime: Self.ratio(focusTime))
        assessment.reason = reason
        return assessment
    }

    /// `value` as the encoder writes it (clamped to 0…1, NaN as 0), in thousandths: 0…1000.
    static func units(_ value: Double) -> UInt16 {
        let units = JSONWriter.decimalUnits(OutboundEncoder.ratio(value), fractionDigits: OutboundEncoder.ratioDigits)
        return UInt16(truncatingIfNeeded: units)
    }

    /// The ratio whose encoding is `units` thousandths.
    static func ratio(_ units: UInt16) -> Double {
        Double(units) / Double(OutboundEncoder.ratioScale)
    }
}
