/// One `activity` message's content (PROTOCOL.md, client → server), as the simulated editor
/// produced it. Kept by the session ledger until a `durable` ack covers its `seq`, so it can
/// be sent again unchanged after a reconnect.
public struct ActivityWindow: Sendable, Equatable {
    /// 1, 2, 3… per session.
    public var seq: Int64
    /// End of the window, ms since the epoch (event time).
    public var atMs: Int64
    /// Length of the window.
    public var windowMs: Int64
    /// Keystrokes typed in the window.
    public var keystrokes: Int64
    /// Milliseconds between consecutive keystrokes (at most 512 values).
    public var keystrokeIntervals: [Int32]
    /// Switches between files, windows or tools.
    public var contextSwitches: Int64
    /// Compiler or linter errors seen.
    public var errorEvents: Int64
    /// Time the editor had focus.
    public var focusMs: Int64
    /// Files changed in the window.
    public var filesModified: Int64
    /// Lines added.
    public var linesAdded: Int64
    /// Lines deleted.
    public var linesDeleted: Int64
    /// Whether a file was saved.
    public var fileSaved: Bool

    /// Creates a window.
    public init(
        seq: Int64, atMs: Int64, windowMs: Int64, keystrokes: Int64, keystrokeIntervals: [Int32],
        contextSwitches: Int64, errorEvents: Int64, focusMs: Int64, filesModified: Int64,
        linesAdded: Int64, linesDeleted: Int64, fileSaved: Bool
    ) {
        self.seq = seq
        self.atMs = atMs
        self.windowMs = windowMs
        self.keystrokes = keystrokes
        self.keystrokeIntervals = keystrokeIntervals
        self.contextSwitches = contextSwitches
        self.errorEvents = errorEvents
        self.focusMs = focusMs
        self.filesModified = filesModified
        self.linesAdded = linesAdded
        self.linesDeleted = linesDeleted
        self.fileSaved = fileSaved
    }
}

/// The totals a `session.summary` must report for a session: the sums over every distinct
/// `seq` the client sent (PROTOCOL.md: a duplicate changes nothing).
public struct ActivityTotals: Sendable, Equatable {
    public var keystrokes: Int64 = 0
    public var linesAdded: Int64 = 0
    public var linesDeleted: Int64 = 0

    public init(keystrokes: Int64 = 0, linesAdded: Int64 = 0, linesDeleted: Int64 = 0) {
        self.keystrokes = keystrokes
        self.linesAdded = linesAdded
        self.linesDeleted = linesDeleted
    }

    /// Adds one window.
    public mutating func add(_ window: ActivityWindow) {
        keystrokes += window.keystrokes
        linesAdded += window.linesAdded
        linesDeleted += window.linesDeleted
    }
}
