/// The detector's answer to one window: everything the `flow` message needs, plus the
/// events the session and daily aggregates consume. Plain values only; building one never
/// allocates.
public struct FlowAssessment: Hashable, Sendable {
    // Stored in an order that packs (136 bytes instead of 152): the 8-byte fields, then the
    // optional recovery, the small fields in its tail padding, and the optional period last.

    /// The window's `seq`, echoed.
    public var seq: Int64
    /// Event time the assessment refers to (the window's end, clamped to be monotonic).
    public var atMs: Int64
    /// The smoothed flow score in [0, 1] (how deep the flow is, or how close to it).
    public var intensity: Double
    /// How much evidence backs ``state``, in [0, 1]: little data or a fresh baseline is low.
    public var confidence: Double
    /// Length of the current flow period (0 outside flow).
    public var flowMs: Int64
    /// Flow time of the whole session, closed periods plus the current one.
    public var sessionFlowMs: Int64
    /// The smoothed components behind ``intensity``.
    public var components: FlowComponents
    /// Set when this window (re-)entered flow after an interruption: the recovery time.
    public var recoveryMs: Int64?
    /// State after this window.
    public var state: FlowState
    /// State before this window (equal to ``state`` when nothing changed).
    public var previousState: FlowState
    /// Why the state last changed (this window or earlier): the explanation a client shows.
    public var reason: FlowReason = .none
    /// Coaching lines to show now (already rate-limited; usually empty).
    public var recommendations: RecommendationSet
    /// A flow period that ended with this window, if any.
    public var endedPeriod: FlowPeriod?

    /// `state == .flow`.
    public var inFlow: Bool { state == .flow }

    /// Creates an assessment (the parameters in the order of the `flow` message's fields).
    init(seq: Int64, atMs: Int64, state: FlowState, previousState: FlowState, intensity: Double, confidence: Double,
         flowMs: Int64, sessionFlowMs: Int64, recommendations: RecommendationSet, components: FlowComponents,
         endedPeriod: FlowPeriod?, recoveryMs: Int64?, reason: FlowReason = .none) {
        self.seq = seq
        self.atMs = atMs
        self.intensity = intensity
        self.confidence = confidence
        self.flowMs = flowMs
        self.sessionFlowMs = sessionFlowMs
        self.components = components
        self.recoveryMs = recoveryMs
        self.state = state
        self.previousState = previousState
        self.reason = reason
        self.recommendations = recommendations
        self.endedPeriod = endedPeriod
    }

    /// `true` when the state changed with this window.
    public var stateChanged: Bool { state != previousState }

    /// `true` when a flow period ended by an interruption (idle gap or switch burst).
    public var interrupted: Bool { endedPeriod?.endReason.isInterruption ?? false }

    /// An assessment for a session that has seen nothing yet.
    public static func initial(seq: Int64 = 0, atMs: Int64 = 0) -> FlowAssessment {
        FlowAssessment(
            seq: seq, atMs: atMs, state: .idle, previousState: .idle, intensity: 0,
            confidence: 0, flowMs: 0, sessionFlowMs: 0, recommendations: [],
            components: FlowComponents(), endedPeriod: nil, recoveryMs: nil)
    }
}

/// The four detector components, each a score in [0, 1] where higher is better.
public struct FlowComponents: Hashable, Sendable {
    /// Keystroke rhythm (seed bands, or against the personal baseline).
    public var rhythm: Double = 0
    /// Few context switches per minute.
    public var focus: Double = 0
    /// Few error events per minute.
    public var errors: Double = 0
    /// Share of the window the editor had focus.
    public var focusTime: Double = 0

    /// Creates components (all zero by default).
    public init(rhythm: Double = 0, focus: Double = 0, errors: Double = 0, focusTime: Double = 0) {
        self.rhythm = rhythm
        self.focus = focus
        self.errors = errors
        self.focusTime = focusTime
    }
}

/// Why a flow period ended.
public enum FlowEndReason: UInt8, Hashable, Sendable {
    /// The smoothed score stayed below the exit threshold (flow faded; not an interruption).
    case faded
    /// No typing for the idle gap (an interruption).
    case idleGap
    /// A burst of context switches (an interruption).
    case contextSwitchBurst
    /// The session ended while in flow (not an interruption).
    case sessionEnded

    /// Idle gaps and switch bursts are interruptions; fading and session ends are not.
    public var isInterruption: Bool {
        switch self {
        case .idleGap, .contextSwitchBurst: true
        case .faded, .sessionEnded: false
        }
    }

    /// A stable snake_case name for logs and JSON.
    public var wireName: String {
        switch self {
        case .faded: "faded"
        case .idleGap: "idle_gap"
        case .contextSwitchBurst: "context_switch_burst"
        case .sessionEnded: "session_ended"
        }
    }
}

/// One closed flow period (seed 004's `flow_states` row).
public struct FlowPeriod: Hashable, Sendable {
    /// Event time the period started.
    public var startMs: Int64
    /// Event time the period ended.
    public var endMs: Int64
    /// Mean smoothed intensity over the period (time-weighted).
    public var meanIntensity: Double
    /// Highest smoothed intensity in the period.
    public var peakIntensity: Double
    /// Why it ended.
    public var endReason: FlowEndReason

    /// `endMs - startMs`, never negative.
    public var durationMs: Int64 { max(0, endMs.saturatingSubtracted(startMs)) }

    /// Creates a period.
    public init(startMs: Int64, endMs: Int64, meanIntensity: Double, peakIntensity: Double,
                endReason: FlowEndReason) {
        self.startMs = startMs
        self.endMs = endMs
        self.meanIntensity = meanIntensity
        self.peakIntensity = peakIntensity
        self.endReason = endReason
    }
}
