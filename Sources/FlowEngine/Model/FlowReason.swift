/// Why the state last changed: what a client shows as "why" next to the state. Carried by
/// every ``FlowAssessment`` until the next change.
public enum FlowReason: UInt8, Hashable, Sendable, CaseIterable {
    /// Nothing has changed yet.
    case none
    /// Typing began (`idle` → `warming_up`) or resumed (`interrupted` → `recovering`).
    case typingResumed
    /// The score held above the enter threshold long enough: steady, focused typing.
    case steadyRhythm
    /// Flow faded because the typing became slow or uneven for this person.
    case unevenRhythm
    /// Context switches denied or ended flow.
    case contextSwitches
    /// Compile/lint errors denied or ended flow.
    case errors
    /// The editor lost focus with no typing (the person is elsewhere).
    case editorUnfocused
    /// No keystrokes for the idle gap.
    case idleGap
    /// The session ended.
    case sessionEnded

    /// The snake_case name sent in the `flow` message's `reason` (a literal: no allocation);
    /// `nil` for ``none``.
    public var wireName: String? {
        switch self {
        case .none: nil
        case .typingResumed: "typing_resumed"
        case .steadyRhythm: "steady_rhythm"
        case .unevenRhythm: "uneven_rhythm"
        case .contextSwitches: "context_switches"
        case .errors: "errors"
        case .editorUnfocused: "editor_unfocused"
        case .idleGap: "idle_gap"
        case .sessionEnded: "session_ended"
        }
    }

    /// The weakest of the components: what to blame when flow fades.
    static func weakest(of c: FlowComponents) -> FlowReason {
        var reason = FlowReason.unevenRhythm
        var lowest = c.rhythm
        if c.focus < lowest { lowest = c.focus; reason = .contextSwitches }
        if c.errors < lowest { lowest = c.errors; reason = .errors }
        if c.focusTime < lowest { reason = .editorUnfocused }
        return reason
    }
}
