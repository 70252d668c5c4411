/// A coaching line. A small closed set with stable text, so an update never builds a string:
/// ``text`` returns a literal.
public enum Recommendation: UInt8, Hashable, Sendable, CaseIterable {
    /// Seed 004: the score stayed low for a while.
    case resetWithShortBreak
    /// Seed 004: many context switches.
    case useFocusMode
    /// Seed 004: many error events.
    case slowDownForAccuracy
    /// Switching back and forth keeps the user from settling (moderate but steady switching).
    case groupContextSwitches
    /// Just entered flow: protect it.
    case protectFlow
    /// Recovering after an interruption.
    case easeBackIn
    /// A break is due and is being held until this flow period winds down.
    case breakAfterFlow
    /// A long stretch without a pause (the break was delivered in flow at the hard cap).
    case pauseAfterLongStretch

    /// The text sent in `recommendations`.
    public var text: String {
        switch self {
        case .resetWithShortBreak: "Consider taking a 5-minute break to reset focus"
        case .useFocusMode: "Try using focus mode or disable non-essential notifications"
        case .slowDownForAccuracy: "Slow down slightly - accuracy improves flow state"
        case .groupContextSwitches: "Group file switches: note what to look up and check it in one pass"
        case .protectFlow: "You are in flow: hold messages and meetings until this stretch ends"
        case .easeBackIn: "Back after an interruption: restart with the smallest next step"
        case .breakAfterFlow: "A break is due: take it when this stretch of flow winds down"
        case .pauseAfterLongStretch: "Over 90 minutes without a real pause: step away for a few minutes"
        }
    }

    /// A stable snake_case identifier (for logs and tests).
    public var code: String {
        switch self {
        case .resetWithShortBreak: "reset_with_short_break"
        case .useFocusMode: "use_focus_mode"
        case .slowDownForAccuracy: "slow_down_for_accuracy"
        case .groupContextSwitches: "group_context_switches"
        case .protectFlow: "protect_flow"
        case .easeBackIn: "ease_back_in"
        case .breakAfterFlow: "break_after_flow"
        case .pauseAfterLongStretch: "pause_after_long_stretch"
        }
    }
}

/// A set of ``Recommendation``s stored in one integer; iterating it never allocates.
public struct RecommendationSet: Hashable, Sendable, Sequence, ExpressibleByArrayLiteral {
    /// One bit per ``Recommendation/rawValue``.
    public var rawValue: UInt16

    /// The set with exactly the bits of `rawValue`.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// The set holding exactly `recommendation`.
    public init(_ recommendation: Recommendation) {
        rawValue = 1 << UInt16(recommendation.rawValue)
    }

    public init(arrayLiteral elements: Recommendation...) {
        rawValue = 0
        for element in elements { insert(element) }
    }

    /// Whether `recommendation` is in the set.
    public func contains(_ recommendation: Recommendation) -> Bool {
        rawValue & RecommendationSet(recommendation).rawValue != 0
    }

    /// Adds `recommendation`.
    public mutating func insert(_ recommendation: Recommendation) {
        rawValue |= RecommendationSet(recommendation).rawValue
    }

    /// Adds every member of `other`.
    public mutating func formUnion(_ other: RecommendationSet) { rawValue |= other.rawValue }

    /// `true` when the set has no members.
    public var isEmpty: Bool { rawValue == 0 }

    /// Number of members.
    public var count: Int { rawValue.nonzeroBitCount }

    /// Members in declaration order.
    public func makeIterator() -> Iterator { Iterator(remaining: rawValue) }

    /// Iterates members lowest bit first.
    public struct Iterator: IteratorProtocol {
        var remaining: UInt16

        public mutating func next() -> Recommendation? {
            while remaining != 0 {
                let bit = UInt8(remaining.trailingZeroBitCount)
                remaining &= remaining &- 1
                if let value = Recommendation(rawValue: bit) { return value }
            }
            return nil
        }
    }
}
