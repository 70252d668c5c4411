/// A user's personal typing rhythm: a fixed-size streaming quantile sketch of keystroke
/// intervals plus the typical within-window deviation. Shared by all of the user's
/// sessions and persisted by the server (``encode()`` / ``init(bytes:)``).
///
/// The sketch is a histogram of 64 log-spaced buckets, an eighth of an octave wide (±4.5 %),
/// covering 16 ms … 4 s; counts are `UInt16` and are all halved when one would overflow, so
/// old typing fades and the value never grows. 140 bytes in memory.
public struct UserBaseline: Hashable, Sendable {
    /// Number of buckets.
    static let bucketCount = 64
    /// ``KeystrokeRhythm/logIndex(_:)`` of the lowest bucket's lower edge (16 ms).
    static let lowestLogIndex = 64

    /// 64 `UInt16` counts, four per word.
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    /// Intervals ever learned (saturating): how much evidence there is.
    public internal(set) var intervalsLearned: UInt32 = 0
    /// Windows that contributed intervals.
    public internal(set) var windowsLearned: UInt32 = 0
    /// EWMA of the log2 deviation (octaves) of the user's windows: their usual consistency.
    public internal(set) var typicalDeviationOctaves: Float = 0
    /// The median as a log index, refreshed after each learned window (derived, not stored).
    var cachedMedianLogIndex: Float = 0

    /// An empty baseline (no evidence: rhythm is scored with the seed's bands).
    public init() {}

    /// Whether the baseline has enough evidence to score rhythm against.
    public func isReady(minimumIntervals: UInt32) -> Bool {
        intervalsLearned >= minimumIntervals && typicalDeviationOctaves > 0
    }

    /// Count of bucket `index` (0..<64).
    func count(at index: Int) -> Int {
        var copy = words
        return withUnsafeBytes(of: &copy) { raw in
            Int(raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
        }
    }

    /// The median learned interval as a log index (0 when empty), kept current by
    /// ``learn(intervals:pauseCutoffMs:rhythm:)`` so scoring does not rescan the sketch.
    var medianLogIndex: Double { Double(cachedMedianLogIndex) }

    /// The bucket for a log index.
    @inline(__always)
    static func bucket(forLogIndex logIndex: Int) -> Int {
        Swift.min(Swift.max((logIndex - lowestLogIndex) >> 1, 0), bucketCount - 1)
    }

    /// ``bucket(forLogIndex:)`` of every log index an interval can have (0 through
    /// ``KeystrokeRhythm/maximumLogIndex``): the hot loop reads its bucket instead of
    /// clamping.
    static let bucketOfLogIndex: [UInt8] = (0...KeystrokeRhythm.maximumLogIndex).map {
        UInt8(bucket(forLogIndex: $0))
    }

    /// Analyses one window's intervals and learns them in the same pass: returns the
    /// window's rhythm. Scoring against the baseline must use ``medianLogIndex`` and
    /// ``isReady(minimumIntervals:)`` *before* ``finishLearning(_:)``, which updates the
    /// evidence counters, the typical deviation and the cached median.
    mutating func learn(intervals: UnsafeBufferPointer<Int32>, pauseCutoffMs: Int64) -> KeystrokeRhythm {
        withUnsafeMutableBytes(of: &words) { raw in
            // The 16 words are 64 contiguous `UInt16` counts, bound as such for the pass.
            raw.withMemoryRebound(to: UInt16.self) { counts in
                KeystrokeRhythm(intervals: intervals, pauseCutoffMs: pauseCutoffMs,
                                histogram: counts.baseAddress.unsafelyUnwrapped)
            }
        }
    }

    /// Adds one interval to bucket `bucket` of the sketch at `counts` (64 counts).
    @inline(__always)
    static func count(bucket: Int, into counts: UnsafeMutablePointer<UInt16>) {
        let current = counts[bucket]
        guard current != .max else {
            halve(counts)
            counts[bucket] &+= 1
            return
        }
        counts[bucket] = current &+ 1
    }

    /// Completes learning a window analysed by ``learn(intervals:pauseCutoffMs:)``.
    mutating func finishLearning(_ rhythm: KeystrokeRhythm) {
        let learned = UInt32(rhythm.count)
        intervalsLearned = intervalsLearned.addingReportingOverflow(learned).overflow
            ? .max : intervalsLearned + learned
        guard learned > 0 else { return }
        // The median moves slowly once there is evidence: refresh it every 4th window then.
        if windowsLearned & 3 == 0 || intervalsLearned < 4096 {
            cachedMedianLogIndex = Float(quantileLogIndex(0.5) ?? 0)
        }
        windowsLearned = windowsLearned == .max ? .max : windowsLearned + 1
        guard rhythm.count >= 10 else { return }
        let deviation = Float(rhythm.logDeviationOctaves)
        typicalDeviationOctaves = typicalDeviationOctaves == 0
            ? deviation : typicalDeviationOctaves + 0.05 * (deviation - typicalDeviationOctaves)
    }

    /// Halves every count (exponential forgetting).
    @inline(never)
    private static func halve(_ counts: UnsafeMutablePointer<UInt16>) {
        for index in 0..<bucketCount {
            counts[index] >>= 1
        }
    }

    /// The `q`-quantile (0…1) of learned intervals as a log index (sixteenths of an
    /// octave), interpolated within its bucket; `nil` when empty.
    func quantileLogIndex(_ q: Double) -> Double? {
        var copy = words
        return withUnsafeBytes(of: &copy) { raw -> Double? in
            var total = 0
            for index in 0..<Self.bucketCount {
                total += Int(raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
            }
            guard total > 0 else { return nil }
            let target = EventTimeMath.unit(q) * Double(total)
            var cumulative = 0.0
            for index in 0..<Self.bucketCount {
                let here = Double(raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
                if here > 0, cumulative + here >= target {
                    let within = (target - cumulative) / here
                    return Double(Self.lowestLogIndex + index * 2) + 2 * within
                }
                cumulative += here
            }
            return Double(Self.lowestLogIndex + Self.bucketCount * 2)
        }
    }

    /// The median learned interval in ms (0 when empty).
    public var medianIntervalMs: Double {
        quantileLogIndex(0.5).map { KeystrokeRhythm.milliseconds(logIndex: $0) } ?? 0
    }

    /// The `q`-quantile of learned intervals in ms (0 when empty).
    public func quantileIntervalMs(_ q: Double) -> Double {
        quantileLogIndex(q).map { KeystrokeRhythm.milliseconds(logIndex: $0) } ?? 0
    }

    public static func == (lhs: UserBaseline, rhs: UserBaseline) -> Bool {
        lhs.encode() == rhs.encode()
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: words) { hasher.combine(bytes: $0) }
        hasher.combine(intervalsLearned)
        hasher.combine(windowsLearned)
        hasher.combine(typicalDeviationOctaves.bitPattern)
    }
}
