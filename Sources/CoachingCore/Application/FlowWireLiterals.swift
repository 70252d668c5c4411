import FlowEngine

// The `flow` message's fixed parts as pre-encoded JSON (PROTOCOL.md field order), so that
// encoding an answer writes literals instead of escaping names and enum strings each time.

extension FlowState {
    /// `,"state":"<wire name>","in_flow":<bool>,"intensity":`: the fields that follow `seq`.
    var flowStateFields: StaticString {
        switch self {
        case .idle: #","state":"idle","in_flow":false,"intensity":"#
        case .warmingUp: #","state":"warming_up","in_flow":false,"intensity":"#
        case .flow: #","state":"flow","in_flow":true,"intensity":"#
        case .interrupted: #","state":"interrupted","in_flow":false,"intensity":"#
        case .recovering: #","state":"recovering","in_flow":false,"intensity":"#
        }
    }
}

extension FlowReason {
    /// `,"reason":"<wire name>"`, or nothing for ``FlowReason/none``.
    var flowReasonField: StaticString {
        switch self {
        case .none: ""
        case .typingResumed: #","reason":"typing_resumed""#
        case .steadyRhythm: #","reason":"steady_rhythm""#
        case .unevenRhythm: #","reason":"uneven_rhythm""#
        case .contextSwitches: #","reason":"context_switches""#
        case .errors: #","reason":"errors""#
        case .editorUnfocused: #","reason":"editor_unfocused""#
        case .idleGap: #","reason":"idle_gap""#
        case .sessionEnded: #","reason":"session_ended""#
        }
    }
}
