/// Calibration of a detector's confidence: per confidence bin, how often the call was right.
public struct ReliabilityTable: Hashable, Sendable {
    /// Lower edges of the bins (the last bin includes 1).
    public static let edges: [Double] = [0, 0.2, 0.4, 0.6, 0.8, 0.9]

    /// Calls per bin.
    public var calls = [Int](repeating: 0, count: edges.count)
    /// Right calls per bin.
    public var right = [Int](repeating: 0, count: edges.count)
    /// Sum of confidence per bin (for the mean confidence).
    public var confidenceSum = [Double](repeating: 0, count: edges.count)

    /// An empty table.
    public init() {}

    mutating func add(_ call: WindowCall) {
        let bin = Self.bin(call.confidence)
        calls[bin] += 1
        confidenceSum[bin] += call.confidence
        if call.isRight { right[bin] += 1 }
    }

    static func bin(_ confidence: Double) -> Int {
        var bin = 0
        for (index, edge) in edges.enumerated() where confidence >= edge { bin = index }
        return bin
    }

    /// Accuracy of the calls with confidence ≥ `threshold` (a bin edge), and how many there were.
    public func accuracy(atOrAbove threshold: Double) -> (accuracy: Double, calls: Int) {
        var total = 0
        var correct = 0
        for (index, edge) in Self.edges.enumerated() where edge >= threshold {
            total += calls[index]
            correct += right[index]
        }
        return (total > 0 ? Double(correct) / Double(total) : 1, total)
    }
}
