/// The bounds ``InboundDecoder`` enforces on field values, with PROTOCOL.md's defaults.
///
/// Each bound turns an implausible value into `invalid_field` (or `too_large` for the
/// interval count) at the decoder, so the FlowEngine and the store only ever see
/// plausible input. All times are milliseconds.
public struct InboundLimits: Sendable, Hashable {
    /// Most `keystroke_intervals` values (PROTOCOL.md: ≤ 512). More is `too_large`.
    public var maximumIntervals: Int = 512
    /// Largest single keystroke interval (1 h).
    public var maximumIntervalMs: Int32 = 3_600_000
    /// Largest `window_ms` (1 h); the smallest is 1.
    public var maximumWindowMs: Int64 = 3_600_000
    /// Largest `focus_ms` (1 h).
    public var maximumFocusMs: Int64 = 3_600_000
    /// Earliest plausible `at_ms`: 2020-01-01T00:00:00Z.
    public var earliestAtMs: Int64 = 1_577_836_800_000
    /// How far `at_ms` may lie ahead of the server's `nowMs` (1 day).
    public var maximumFutureMs: Int64 = 86_400_000
    /// Largest count in one window (`keystrokes`, `lines_added`, …).
    public var maximumCount: Int64 = 10_000_000
    /// Largest `seq`: 2^53, so every seq survives a trip through a JavaScript client.
    public var maximumSeq: Int64 = 1 << 53
    /// Longest `language`, UTF-8 bytes.
    public var maximumLanguageBytes: Int = 64
    /// Longest `project`, UTF-8 bytes.
    public var maximumProjectBytes: Int = 128
    /// Longest `token`, UTF-8 bytes.
    public var maximumTokenBytes: Int = 512
    /// Longest `channel`, UTF-8 bytes.
    public var maximumChannelBytes: Int = 128
    /// Longest `client.name`, `client.version` and `device`, UTF-8 bytes.
    public var maximumClientFieldBytes: Int = 128

    /// The defaults above.
    public init() {}
}
