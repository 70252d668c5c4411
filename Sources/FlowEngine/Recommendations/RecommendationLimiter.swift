/// Rate-limits recommendations: each kind at most once per cooldown, and at most one line
/// per update, so the coaching never repeats itself every few seconds.
///
/// Fixed storage (one event time per kind), no allocation. Every live session holds one,
/// so the times are 32-bit offsets from the first emission (40 bytes instead of 64): a
/// session spans days, not the 24 days an offset holds; a time further away than that from
/// the newest is so old that every cooldown has passed, and is forgotten.
public struct RecommendationLimiter: Hashable, Sendable {
    private static let never = Int32.min
    /// Event time the offsets count from (the first emission); `Int64.min` before it.
    private var baseMs: Int64 = .min
    /// Per kind: its last emission's event time minus ``baseMs``; ``never`` when it has not
    /// been emitted (or so long ago that it no longer matters).
    private var lastEmitted: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) =
        (never, never, never, never, never, never, never, never)

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

    /// Last event time `kind` was emitted; `Int64.min` when never.
    private subscript(kind: Recommendation) -> Int64 {
        get {
            let offset = self[offsetOf: kind]
            return offset == Self.never ? .min : baseMs + Int64(offset)
        }
        set {
            if baseMs == .min { baseMs = newValue }
            if let offset = Self.offset(newValue, from: baseMs) {
                self[offsetOf: kind] = offset
                return
            }
            // Out of 32 bits: count from this time; what is 24 days away from it is forgotten.
            var times: [(Recommendation, Int64)] = []
            for other in Recommendation.allCases where other != kind && self[other] != .min { times.append((other, self[other])) }
            baseMs = newValue
            lastEmitted = (Self.never, Self.never, Self.never, Self.never, Self.never, Self.never, Self.never, Self.never)
            self[offsetOf: kind] = 0
            for (other, time) in times { self[offsetOf: other] = Self.offset(time, from: baseMs) ?? Self.never }
        }
    }

    /// `timeMs − baseMs` when it fits an offset (``never`` excluded).
    private static func offset(_ timeMs: Int64, from baseMs: Int64) -> Int32? {
        let difference = timeMs.subtractingReportingOverflow(baseMs)
        guard !difference.overflow, let offset = Int32(exactly: difference.partialValue), offset != never else { return nil }
        return offset
    }

    private subscript(offsetOf kind: Recommendation) -> Int32 {
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
