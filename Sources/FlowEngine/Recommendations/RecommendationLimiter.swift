/// Rate-limits recommendations: each kind at most once per cooldown, and at most one line
/// per update, so the coaching never repeats itself every few seconds.
///
/// Fixed storage (one event time per kind), no allocation.
public struct RecommendationLimiter: Hashable, Sendable {
    /// Last event time each kind was emitted; `Int64.min` when never.
    private var lastEmitted: (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64) =
        (.min, .min, .min, .min, .min, .min, .min, .min)

    /// A limiter that has emitted nothing.
    public init() {}

    /// The most urgent candidate (see `priority`) whose cooldown has passed, as a set of at
    /// most one member; records it as emitted at `atMs`.
    public mutating func select(from candidates: RecommendationSet, atMs: Int64,
                                cooldown: Milliseconds) -> RecommendationSet {
        guard !candidates.isEmpty else { return [] }
        for kind in Self.priority where candidates.contains(kind) {
            let last = self[kind]
            if last == .min || atMs.saturatingSubtracted(last) >= cooldown.value {
                self[kind] = atMs
                return RecommendationSet(kind)
            }
        }
        return []
    }

    /// Most urgent first.
    static let priority: [Recommendation] = [
        .pauseAfterLongStretch, .protectFlow, .breakAfterFlow, .easeBackIn, .useFocusMode,
        .slowDownForAccuracy, .groupContextSwitches, .resetWithShortBreak,
    ]

    private subscript(kind: Recommendation) -> Int64 {
        get {
            switch kind {
            case .resetWithShortBreak: lastEmitted.0
            case .useFocusMode: lastEmitted.1
            case .slowDownForAccuracy: lastEmitted.2
            case .groupContextSwitches: lastEmitted.3
            case .protectFlow: lastEmitted.4
            case .easeBackIn: lastEmitted.5
            case .breakAfterFlow: lastEmitted.6
            case .pauseAfterLongStretch: lastEmitted.7
            }
        }
        set {
            switch kind {
            case .resetWithShortBreak: lastEmitted.0 = newValue
            case .useFocusMode: lastEmitted.1 = newValue
            case .slowDownForAccuracy: lastEmitted.2 = newValue
            case .groupContextSwitches: lastEmitted.3 = newValue
            case .protectFlow: lastEmitted.4 = newValue
            case .easeBackIn: lastEmitted.5 = newValue
            case .breakAfterFlow: lastEmitted.6 = newValue
            case .pauseAfterLongStretch: lastEmitted.7 = newValue
            }
        }
    }

    public static func == (lhs: RecommendationLimiter, rhs: RecommendationLimiter) -> Bool {
        Recommendation.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        for kind in Recommendation.allCases { hasher.combine(self[kind]) }
    }
}
