/// One `activity` message of PROTOCOL.md as plain values: what the editor saw during the
/// window that ended at ``atMs``.
///
/// All counts are taken as sent; the engine clamps absurd values (negative, huge) itself, so
/// the server's parser only has to check types.
///
/// ``keystrokeIntervals`` is *caller-owned, reusable storage*: the server (or the replay
/// front end) keeps one `[Int32]` per connection, refills it with
/// `removeAll(keepingCapacity: true)` + `append`, and builds the window around it. Building
/// the window is then a retain, not an allocation, and the detector only reads it through an
/// `UnsafeBufferPointer`. At most ``ActivityWindow/maximumIntervals`` values are looked at.
public struct ActivityWindow: Sendable {
    /// The largest number of keystroke intervals the protocol allows (and the engine reads).
    public static let maximumIntervals = 512

    /// The per-session sequence number (`seq`); echoed, never interpreted.
    public var seq: Int64
    /// End of the window, client event time in ms since the epoch (`at_ms`).
    public var atMs: Int64
    /// Length of the window in ms (`window_ms`).
    public var windowMs: Int64
    /// Keystrokes in the window (`keystrokes`).
    public var keystrokes: Int64
    /// Milliseconds between consecutive keystrokes (`keystroke_intervals`, ≤ 512 used).
    public var keystrokeIntervals: [Int32]
    /// File/window/tab switches (`context_switches`).
    public var contextSwitches: Int64
    /// Compiler/linter error events (`error_events`).
    public var errorEvents: Int64
    /// Time the editor had focus during the window (`focus_ms`).
    public var focusMs: Int64
    /// Files modified (`files_modified`).
    public var filesModified: Int64
    /// Lines added (`lines_added`).
    public var linesAdded: Int64
    /// Lines deleted (`lines_deleted`).
    public var linesDeleted: Int64
    /// The language of the window, if sent (`language`). Short names stay inline (no heap).
    public var language: String?
    /// A file was saved during the window (`file_saved`).
    public var fileSaved: Bool
    /// A commit was made during the window (`commit`).
    public var commit: Bool

    /// Creates a window; every field but the time has a neutral default. Inlinable, so that
    /// an empty window costs a few stores rather than a call that copies and destroys a
    /// whole window (the server's decoder makes one per `activity`).
    @inlinable
    public init(
        seq: Int64 = 0,
        atMs: Int64,
        windowMs: Int64,
        keystrokes: Int64 = 0,
        keystrokeIntervals: [Int32] = [],
        contextSwitches: Int64 = 0,
        errorEvents: Int64 = 0,
        focusMs: Int64 = 0,
        filesModified: Int64 = 0,
        linesAdded: Int64 = 0,
        linesDeleted: Int64 = 0,
        language: String? = nil,
        fileSaved: Bool = false,
        commit: Bool = false
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
        self.language = language
        self.fileSaved = fileSaved
        self.commit = commit
    }

    /// The user typed during this window.
    public var hasTyping: Bool { keystrokes > 0 || !keystrokeIntervals.isEmpty }

    /// The user was active (typing or the editor had focus) during this window.
    public var isActive: Bool { hasTyping || focusMs > 0 }
}
