/// Statistics of one window's keystroke intervals, computed in one pass over a borrowed
/// buffer: no allocation, no sorting.
///
/// Intervals ≤ 0 are ignored as garbage; intervals above the pause cutoff are pauses (they
/// are counted but are not rhythm). Besides the seed's arithmetic mean and coefficient of
/// variation, the pass keeps the mean and deviation of `log2(interval)` (in octaves): a
/// scale-free view of rhythm that compares a 70 ms typist and a 400 ms typist fairly.
struct KeystrokeRhythm: Sendable {
    /// Usable intervals (0 < v ≤ pause cutoff).
    var count = 0
    /// Intervals above the pause cutoff.
    var pauses = 0
    /// Arithmetic mean of usable intervals, ms.
    var mean = 0.0
    /// Standard deviation / mean of usable intervals (population).
    var coefficientOfVariation = 0.0
    /// Mean of log2(interval) over usable intervals and pauses (capped at ``pauseCapMs``),
    /// in ``logUnitsPerOctave`` units.
    var logMean = 0.0
    /// Standard deviation of log2(interval) over the same values, in octaves.
    var logDeviationOctaves = 0.0

    /// Pauses enter the log statistics as at most this long (8 s).
    static let pauseCapMs: Int32 = 8000

    /// Resolution of ``logIndex(_:)``: sixteenths of an octave.
    static let logUnitsPerOctave = 16

    /// An empty analysis (no intervals).
    init() {}

    /// Analyses at most ``ActivityWindow/maximumIntervals`` values of `intervals` in one
    /// pass, counting each usable interval into `histogram` as well (a ``UserBaseline``'s
    /// sketch, see ``UserBaseline/learn(intervals:pauseCutoffMs:)``), so the personal
    /// baseline learns without a second pass.
    init(intervals: UnsafeBufferPointer<Int32>, pauseCutoffMs: Int64,
         histogram: UnsafeMutablePointer<UInt16>) {
        let cutoff = Int32(clamping: pauseCutoffMs)
        let limit = Swift.min(intervals.count, ActivityWindow.maximumIntervals)
        var n = 0
        var pauseCount = 0
        var sum: Int64 = 0
        var sumSquares: Int64 = 0
        var logSum = 0
        var logSquares = 0
        // The hot loop (64 values in a typical window): wrapping arithmetic only (values
        // are bounded above), no optionals, the bucket from a table rather than a clamp.
        UserBaseline.bucketOfLogIndex.withUnsafeBufferPointer { buckets in
            guard let bucketOf = buckets.baseAddress, let values = intervals.baseAddress else { return }
            for index in 0..<limit {
                let value = values[index]
                guard value > 0 else { continue }
                // Pauses count in the log statistics (capped), so bursts separated by long
                // pauses never look steady; the arithmetic ones see usable intervals only.
                let log = Self.logIndex(UInt32(truncatingIfNeeded: Swift.min(value, Self.pauseCapMs)))
                logSum &+= log
                logSquares &+= log &* log
                guard value <= cutoff else {
                    pauseCount &+= 1
                    continue
                }
                let wide = Int64(truncatingIfNeeded: value)
                sum &+= wide
                sumSquares &+= wide &* wide
                n &+= 1
                UserBaseline.count(bucket: Int(bucketOf[log]), into: histogram)
            }
        }
        pauses = pauseCount
        count = n
        guard n > 0 else { return }
        let count = Double(n)
        mean = Double(sum) / count
        let variance = Swift.max(0, Double(sumSquares) / count - mean * mean)
        coefficientOfVariation = mean > 0 ? variance.squareRoot() / mean : 0
        let logCount = Double(n + pauses)
        logMean = Double(logSum) / logCount
        let logVariance = Swift.max(0, Double(logSquares) / logCount - logMean * logMean)
        logDeviationOctaves = logVariance.squareRoot() / Double(Self.logUnitsPerOctave)
    }

    /// The largest ``logIndex(_:)`` of an interval capped at ``pauseCapMs``.
    static let maximumLogIndex = logIndex(UInt32(pauseCapMs))

    /// `log2(value)` in sixteenths of an octave, from the bit pattern: the octave is the
    /// position of the top bit, the fraction the next four bits (linear within the octave).
    /// `value` must be in 1 ..< 2^28 (callers cap intervals at ``pauseCapMs``).
    @inline(__always)
    static func logIndex(_ value: UInt32) -> Int {
        let octave = 31 &- value.leadingZeroBitCount
        let fraction = ((value &<< 4) &>> UInt32(truncatingIfNeeded: octave)) & 15
        return octave &* logUnitsPerOctave &+ Int(fraction)
    }

    /// The inverse of ``logIndex(_:)`` for a fractional index: milliseconds.
    static func milliseconds(logIndex: Double) -> Double {
        guard logIndex > 0 else { return 1 }
        let octaves = logIndex / Double(logUnitsPerOctave)
        let whole = octaves.rounded(.down)
        return Double(sign: .plus, exponent: Int(whole), significand: 1 + (octaves - whole))
    }
}
