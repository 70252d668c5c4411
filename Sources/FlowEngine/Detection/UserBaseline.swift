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
    /// Windows that contributed.
    public internal(set) var windowsLearned: UInt32 = 0
    /// EWMA of the log2 deviation (octaves) of the user's windows: their usual consistency.
    public internal(set) var typicalDeviationOctaves: Float = 0

    /// An empty baseline (no evidence: rhythm is scored with the seed's bands).
    public init() {}

    /// Whether the baseline has enough evidence to score rhythm against.
    public func isReady(minimumIntervals: UInt32) -> Bool {
        intervalsLearned >= minimumIntervals && typicalDeviationOctaves > 0
    }

    /// Count of bucket `index` (0..<64).
    func count(at index: Int) -> Int {
        withUnsafeBytes(of: words) { raw in
            Int(raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self))
        }
    }

    /// The bucket for a log index.
    static func bucket(forLogIndex logIndex: Int) -> Int {
        Swift.min(Swift.max((logIndex - lowestLogIndex) >> 1, 0), bucketCount - 1)
    }

    /// Learns one window's usable intervals and its deviation.
    mutating func learn(intervals: UnsafeBufferPointer<Int32>, pauseCutoffMs: Int64,
                        rhythm: KeystrokeRhythm) {
        let cutoff = Int32(clamping: pauseCutoffMs)
        let limit = Swift.min(intervals.count, ActivityWindow.maximumIntervals)
        var learned: UInt32 = 0
        withUnsafeMutableBytes(of: &words) { raw in
            var index = 0
            while index < limit {
                let value = intervals[index]
                index += 1
                guard value > 0, value <= cutoff else { continue }
                let bucket = Self.bucket(forLogIndex: KeystrokeRhythm.logIndex(UInt32(value)))
                let offset = bucket * 2
                var current = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
                if current == .max {
                    Self.halve(raw)
                    current = raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
                }
                raw.storeBytes(of: current + 1, toByteOffset: offset, as: UInt16.self)
                learned += 1
            }
        }
        intervalsLearned = intervalsLearned.addingReportingOverflow(learned).overflow
            ? .max : intervalsLearned + learned
        guard rhythm.count >= 10 else { return }
        windowsLearned = windowsLearned == .max ? .max : windowsLearned + 1
        let deviation = Float(rhythm.logDeviationOctaves)
        typicalDeviationOctaves = typicalDeviationOctaves == 0
            ? deviation : typicalDeviationOctaves + 0.05 * (deviation - typicalDeviationOctaves)
    }

    /// Halves every count (exponential forgetting).
    private static func halve(_ raw: UnsafeMutableRawBufferPointer) {
        for word in 0..<(bucketCount / 4) {
            let value = raw.loadUnaligned(fromByteOffset: word * 8, as: UInt64.self)
            raw.storeBytes(of: (value >> 1) & 0x7FFF_7FFF_7FFF_7FFF,
                           toByteOffset: word * 8, as: UInt64.self)
        }
    }

    /// The `q`-quantile (0…1) of learned intervals as a log index (sixteenths of an
    /// octave), interpolated within its bucket; `nil` when empty.
    func quantileLogIndex(_ q: Double) -> Double? {
        var total = 0
        for index in 0..<Self.bucketCount { total += count(at: index) }
        guard total > 0 else { return nil }
        let target = EventTimeMath.unit(q) * Double(total)
        var cumulative = 0.0
        for index in 0..<Self.bucketCount {
            let here = Double(count(at: index))
            if here > 0, cumulative + here >= target {
                let within = (target - cumulative) / here
                return Double(Self.lowestLogIndex + index * 2) + 2 * within
            }
            cumulative += here
        }
        return Double(Self.lowestLogIndex + Self.bucketCount * 2)
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
