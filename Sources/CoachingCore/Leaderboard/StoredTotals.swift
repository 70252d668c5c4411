/// One user's stored totals for one local day: the start-up input that rebuilds the
/// leaderboards (from the store's `session_days` aggregates).
///
/// The store keeps active time per language but not flow time per language, so
/// `languageFlowMs` is usually empty: per-language flow boards then start from live deltas
/// only. Days that fall outside the current periods are ignored.
public struct StoredTotals: Hashable, Sendable {
    public var userId: String
    public var displayName: String
    /// `YYYY-MM-DD`.
    public var day: String
    /// Active (coding) time that day, ms.
    public var codingMs: Int64
    /// Flow time that day, ms.
    public var flowMs: Int64
    /// Active time per language, ms.
    public var languageCodingMs: [String: Int64]
    /// Flow time per language, ms (often unknown: empty).
    public var languageFlowMs: [String: Int64]

    public init(
        userId: String, displayName: String, day: String, codingMs: Int64, flowMs: Int64,
        languageCodingMs: [String: Int64] = [:], languageFlowMs: [String: Int64] = [:]
    ) {
        self.userId = userId
        self.displayName = displayName
        self.day = day
        self.codingMs = codingMs
        self.flowMs = flowMs
        self.languageCodingMs = languageCodingMs
        self.languageFlowMs = languageFlowMs
    }
}
