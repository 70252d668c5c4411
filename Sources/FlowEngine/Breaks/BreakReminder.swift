/// The kind of break (the `break` message's `kind`).
public enum BreakKind: UInt8, Hashable, Sendable, CaseIterable {
    /// A short break after continuous activity.
    case micro
    /// A real rest after a long time without a rest pause.
    case rest
    /// The day's active time reached the limit.
    case dailyLimit

    /// `micro`, `rest`, `daily_limit`.
    public var wireName: String {
        switch self {
        case .micro: "micro"
        case .rest: "rest"
        case .dailyLimit: "daily_limit"
        }
    }

    /// The `reason` text sent with the reminder (stable, no numbers: durations are per user).
    public var reason: String {
        switch self {
        case .micro: "A long stretch of continuous activity: look away and stretch for a minute"
        case .rest: "A long time without a real pause: step away for a few minutes"
        case .dailyLimit: "You reached your active-time limit for today"
        }
    }
}

/// What the user answered in `break.ack`.
public enum BreakAction: UInt8, Hashable, Sendable, CaseIterable {
    /// The user took the break.
    case taken
    /// Remind again after the snooze time.
    case snoozed
    /// Not this one: wait a full interval before the next reminder of this kind.
    case dismissed

    /// `taken`, `snoozed`, `dismissed`.
    public var wireName: String {
        switch self {
        case .taken: "taken"
        case .snoozed: "snoozed"
        case .dismissed: "dismissed"
        }
    }

    /// Parses a wire name; `nil` for anything else.
    public init?(wireName: String) {
        switch wireName {
        case "taken": self = .taken
        case "snoozed": self = .snoozed
        case "dismissed": self = .dismissed
        default: return nil
        }
    }
}

/// The moment a due break was delivered at.
public enum BreakBreakpoint: UInt8, Hashable, Sendable {
    /// The break became due outside flow and a save, commit or short pause came (or the
    /// out-of-flow grace ran out).
    case outsideFlow
    /// A flow period just ended.
    case flowEnded
    /// A commit (in flow).
    case commit
    /// A short idle gap (in flow).
    case shortIdle
    /// The hard cap: health wins over flow.
    case hardCap
}

/// A break reminder to send (the `break` message). Ids are a per-user counter, so a replay
/// produces the same ids.
public struct BreakReminder: Hashable, Sendable {
    /// Per-user reminder number (1, 2, 3, …); on the wire as ``wireID``.
    public var id: UInt64
    /// Which break.
    public var kind: BreakKind
    /// Event time of delivery.
    public var atMs: Int64
    /// The active time that made it due (continuous, since the last rest, or today's).
    public var activeMs: Int64
    /// How long it waited for a good moment.
    public var heldMs: Int64
    /// The moment it was delivered at.
    public var breakpoint: BreakBreakpoint

    /// The `reason` text.
    public var reason: String { kind.reason }

    /// The `reminder` field: `"b-<id>"`.
    public var wireID: String { "b-\(id)" }

    /// Parses a `reminder` field written by ``wireID``.
    public static func id(fromWire text: String) -> UInt64? {
        guard text.hasPrefix("b-") else { return nil }
        return UInt64(text.dropFirst(2))
    }
}

/// One window as the break scheduler sees it.
public struct BreakActivity: Hashable, Sendable {
    /// Window end (event time).
    public var atMs: Int64
    /// Window length.
    public var windowMs: Int64
    /// Typing or editor focus during the window.
    public var active: Bool
    /// The session is in flow after this window.
    public var inFlow: Bool
    /// A flow period ended with this window.
    public var flowEnded: Bool
    /// A file was saved.
    public var fileSaved: Bool
    /// A commit was made.
    public var commit: Bool
    /// The user's UTC offset at `atMs`, ms (the server resolves the time zone).
    public var utcOffsetMs: Int64

    /// Creates an input from plain values.
    public init(atMs: Int64, windowMs: Int64, active: Bool, inFlow: Bool = false,
                flowEnded: Bool = false, fileSaved: Bool = false, commit: Bool = false,
                utcOffsetMs: Int64 = 0) {
        self.atMs = atMs
        self.windowMs = windowMs
        self.active = active
        self.inFlow = inFlow
        self.flowEnded = flowEnded
        self.fileSaved = fileSaved
        self.commit = commit
        self.utcOffsetMs = utcOffsetMs
    }

    /// The input for `window` after the detector assessed it.
    public init(window: borrowing ActivityWindow, assessment: FlowAssessment, utcOffsetMs: Int64) {
        self.init(atMs: window.atMs, windowMs: window.windowMs, active: window.isActive,
                  inFlow: assessment.inFlow,
                  flowEnded: assessment.previousState == .flow && !assessment.inFlow,
                  fileSaved: window.fileSaved, commit: window.commit, utcOffsetMs: utcOffsetMs)
    }
}
