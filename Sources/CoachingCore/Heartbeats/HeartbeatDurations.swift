import FlowEngine

/// WakaTime's duration rule, as a pure function: heartbeats sorted by time become coding
/// time per local day.
///
/// - The time between two consecutive heartbeats of a user counts as active when the gap
///   is shorter than the keystroke timeout (default 15 minutes); it is attributed to the
///   earlier heartbeat (its project, language, editor, machine, category). A gap at or
///   over the timeout is a break and counts nothing; the last heartbeat adds nothing.
/// - Time a live `/v1/ws` session of the same user already covers (`covered`: the spans
///   from each session's start to its last event) is left out, so a minute is never
///   counted twice when the Flowcoach extension and a WakaTime plugin run side by side.
///   The whole span of a session is excluded, idle parts too: undercounting a heartbeat
///   minute is preferred to counting one twice.
/// - A gap that crosses local midnight is split between the two days.
public enum HeartbeatDurations {
    /// Default keystroke timeout (WakaTime's and Wakapi's).
    public static let defaultTimeoutMs: Int64 = 15 * 60_000
    /// Accepted range of a user's configured timeout.
    public static let timeoutRangeMs: ClosedRange<Int64> = 60_000...(4 * 3_600_000)

    /// Per-day totals of `heartbeats` (sorted by `timeMs`; unsorted input is sorted).
    ///
    /// - Parameters:
    ///   - timeoutMs: the user's keystroke timeout.
    ///   - covered: spans already counted by live sessions (any order, may overlap).
    ///   - utcOffsetMs: the user's offset from UTC at an instant (their time zone).
    /// - Returns: one entry per local day with time, by day.
    public static func days(
        of heartbeats: [HeartbeatRecord], timeoutMs: Int64, covered: [TimeSpan] = [],
        utcOffsetMs: (Int64) -> Int64
    ) -> [HeartbeatDayTotals] {
        let sorted = isSorted(heartbeats) ? heartbeats : heartbeats.sorted { $0.timeMs < $1.timeMs }
        let coveredUnion = union(covered)
        var byDay: [Int64: HeartbeatDayTotals] = [:]
        for index in sorted.indices.dropLast() {
            let current = sorted[index]
            let gap = sorted[index + 1].timeMs - current.timeMs
            guard gap > 0, gap < timeoutMs else { continue }
            for piece in subtract(coveredUnion, from: TimeSpan(startMs: current.timeMs, endMs: sorted[index + 1].timeMs)) {
                var start = piece.startMs
                while start < piece.endMs {
                    let offset = utcOffsetMs(start)
                    let day = LocalTime.day(atMs: start, utcOffsetMs: offset)
                    let dayEnd = (day + 1) * LocalTime.dayMs - offset
                    let end = min(piece.endMs, max(dayEnd, start + 1))
                    byDay[day, default: HeartbeatDayTotals(day: LocalTime.dayText(ofDay: day))].add(end - start, for: current)
                    start = end
                }
            }
        }
        return byDay.keys.sorted().compactMap { byDay[$0] }
    }

    private static func isSorted(_ heartbeats: [HeartbeatRecord]) -> Bool {
        zip(heartbeats, heartbeats.dropFirst()).allSatisfy { $0.timeMs <= $1.timeMs }
    }

    /// Merges overlapping or touching spans; the result is sorted and disjoint.
    static func union(_ spans: [TimeSpan]) -> [TimeSpan] {
        var merged: [TimeSpan] = []
        for span in spans.filter({ $0.endMs > $0.startMs }).sorted(by: { $0.startMs < $1.startMs }) {
            if let last = merged.last, span.startMs <= last.endMs {
                merged[merged.count - 1].endMs = max(last.endMs, span.endMs)
            } else {
                merged.append(span)
            }
        }
        return merged
    }

    /// The parts of `span` outside every span of `disjoint` (sorted, disjoint).
    static func subtract(_ disjoint: [TimeSpan], from span: TimeSpan) -> [TimeSpan] {
        var pieces: [TimeSpan] = []
        var start = span.startMs
        for cover in disjoint where cover.endMs > start && cover.startMs < span.endMs {
            if cover.startMs > start { pieces.append(TimeSpan(startMs: start, endMs: cover.startMs)) }
            start = max(start, cover.endMs)
            if start >= span.endMs { break }
        }
        if start < span.endMs { pieces.append(TimeSpan(startMs: start, endMs: span.endMs)) }
        return pieces
    }
}
