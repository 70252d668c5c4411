/// What a person is doing during a stretch of a labelled session. The label a window carries
/// is its phase kind; only ``deepFlow`` and ``thinkingPause`` (a pause *inside* a flow
/// phase) are flow.
public enum PhaseKind: String, CaseIterable, Hashable, Sendable {
    /// Steady typing at the person's own pace, few switches or errors, the editor in focus.
    case deepFlow = "flow"
    /// Reading or thinking inside a flow phase: no keystrokes for 10–60 s, editor in focus.
    case thinkingPause = "thinking_pause"
    /// Ordinary work: slower, less even typing, 1.5–4 switches and 0.5–2 errors a minute,
    /// editor focus 75–95 %.
    case ordinaryWork = "ordinary"
    /// Distracted: sparse typing, 6–14 switches a minute.
    case distracted
    /// Idle at the desk: no keystrokes for 2–8 min.
    case idle
    /// Away: no keystrokes, editor not in focus.
    case away
    /// Adversarial: fast, steady typing during a storm of 8–16 context switches a minute.
    case switchStorm = "switch_storm"
    /// Adversarial: steady typing during a storm of 4–10 compile/lint errors a minute.
    case errorStorm = "error_storm"

    /// Ground truth: the person is in flow.
    public var isFlow: Bool { self == .deepFlow || self == .thinkingPause }

    /// The label's name in label files (`flowcoach replay --labels`) and reports.
    public var labelName: String { rawValue }

    /// Parses a label name; `nil` for anything else.
    public init?(labelName: String) { self.init(rawValue: labelName) }
}
