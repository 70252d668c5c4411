import FlowEngine
@testable import CoachingCore
import Testing

/// Runs one payload through the `activity` fast path and, on a second decoder, through
/// the general path alone, and says whether they agree: the fast path either declines, or
/// returns what the general path returns with the same window.
struct ActivityFastPathOracle: ~Copyable {
    /// Everything a decoded `activity` leaves in the window, comparable.
    struct WindowFields: Equatable, CustomStringConvertible {
        var seq, atMs, windowMs, keystrokes, contextSwitches, errorEvents, focusMs: Int64
        var filesModified, linesAdded, linesDeleted: Int64
        var intervals: [Int32]
        var language: String?
        var fileSaved, commit: Bool

        init(_ window: ActivityWindow) {
            seq = window.seq
            atMs = window.atMs
            windowMs = window.windowMs
            keystrokes = window.keystrokes
            contextSwitches = window.contextSwitches
            errorEvents = window.errorEvents
            focusMs = window.focusMs
            filesModified = window.filesModified
            linesAdded = window.linesAdded
            linesDeleted = window.linesDeleted
            intervals = window.keystrokeIntervals
            language = window.language
            fileSaved = window.fileSaved
            commit = window.commit
        }

        var description: String {
            "seq \(seq) at \(atMs) window \(windowMs) keys \(keystrokes) \(intervals.count) intervals "
                + "cs \(contextSwitches) err \(errorEvents) focus \(focusMs) files \(filesModified) "
                + "+\(linesAdded) -\(linesDeleted) lang \(language ?? "nil") saved \(fileSaved) commit \(commit)"
        }
    }

    /// One payload's outcome on both paths.
    struct Outcome {
        /// The fast path's result; `nil` when it declined.
        var fast: InboundDecodeResult?
        /// The general path's result.
        var general: InboundDecodeResult
        /// The windows after each, when that path decoded an `activity`.
        var fastWindow: WindowFields?
        var generalWindow: WindowFields?

        var taken: Bool { fast != nil }

        /// Nil when the paths agree, else what differs.
        var disagreement: String? {
            guard let fast else { return nil }
            if case .rejected = fast { return "the fast path rejected: \(fast)" }
            if fast != general { return "fast \(fast) vs general \(general)" }
            if fastWindow != generalWindow {
                return "windows differ: fast \(fastWindow.map(\.description) ?? "nil") vs general \(generalWindow.map(\.description) ?? "nil")"
            }
            return nil
        }
    }

    var fastDecoder = InboundDecoder()
    var generalDecoder = InboundDecoder()
    /// The decoder's entry point, which must equal the general path on every input.
    var combinedDecoder = InboundDecoder()

    /// Both paths' results for `bytes` at `nowMs`, and `decode`'s.
    mutating func compare(_ bytes: [UInt8], nowMs: Int64 = ApplicationFixtures.nowMs) -> (Outcome, combined: InboundDecodeResult) {
        let fast = bytes.withUnsafeBytes { fastDecoder.decodeActivityFastPath($0, nowMs: nowMs) }
        let general = bytes.withUnsafeBytes { generalDecoder.decodeWithoutFastPath($0, nowMs: nowMs) }
        let combined = bytes.withUnsafeBytes { combinedDecoder.decode($0, nowMs: nowMs) }
        var outcome = Outcome(fast: fast, general: general)
        if case .message(.activity, _)? = fast { outcome.fastWindow = WindowFields(fastDecoder.window) }
        if case .message(.activity, _) = general { outcome.generalWindow = WindowFields(generalDecoder.window) }
        return (outcome, combined)
    }

    /// Checks that the paths agree on `json` and that the fast path was `taken` or not;
    /// returns the general path's result.
    @discardableResult
    mutating func check(_ json: String, taken: Bool, nowMs: Int64 = ApplicationFixtures.nowMs,
                        sourceLocation: SourceLocation = #_sourceLocation) -> InboundDecodeResult {
        check(Array(json.utf8), taken: taken, nowMs: nowMs, sourceLocation: sourceLocation)
    }

    @discardableResult
    mutating func check(_ bytes: [UInt8], taken: Bool, nowMs: Int64 = ApplicationFixtures.nowMs,
                        sourceLocation: SourceLocation = #_sourceLocation) -> InboundDecodeResult {
        let (outcome, combined) = compare(bytes, nowMs: nowMs)
        let shown = String(decoding: bytes.prefix(300), as: UTF8.self)
        #expect(outcome.disagreement == nil, "\(outcome.disagreement ?? "") for \(shown)", sourceLocation: sourceLocation)
        #expect(outcome.taken == taken, "fast path taken: \(outcome.taken) for \(shown)", sourceLocation: sourceLocation)
        #expect(combined == outcome.general, "decode differs from the general path for \(shown)", sourceLocation: sourceLocation)
        if outcome.generalWindow != nil {
            #expect(WindowFields(combinedDecoder.window) == outcome.generalWindow, "decode's window differs for \(shown)",
                    sourceLocation: sourceLocation)
        }
        return outcome.general
    }
}
