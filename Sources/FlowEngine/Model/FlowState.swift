/// The coarse state of one editor session, as sent in the `flow` message's `state` field.
///
/// See ``FlowDetector`` for the transition table.
public enum FlowState: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// No typing for at least the idle gap (or nothing received yet).
    case idle
    /// Active, building evidence; not (yet) in flow.
    case warmingUp
    /// In flow: the smoothed score held above the threshold long enough.
    case flow
    /// A flow period was just broken by idleness or a burst of context switches.
    case interrupted
    /// Typing resumed after an interruption; recovery time is being measured.
    case recovering

    /// The wire name used in PROTOCOL.md (`idle`, `warming_up`, `flow`, `interrupted`,
    /// `recovering`). A literal, so reading it never allocates.
    public var wireName: String {
        switch self {
        case .idle: "idle"
        case .warmingUp: "warming_up"
        case .flow: "flow"
        case .interrupted: "interrupted"
        case .recovering: "recovering"
        }
    }

    /// Parses a wire name; `nil` for anything else.
    public init?(wireName: String) {
        switch wireName {
        case "idle": self = .idle
        case "warming_up": self = .warmingUp
        case "flow": self = .flow
        case "interrupted": self = .interrupted
        case "recovering": self = .recovering
        default: return nil
        }
    }

    /// `true` only for ``flow``.
    public var isFlow: Bool { self == .flow }

    public var description: String { wireName }
}
