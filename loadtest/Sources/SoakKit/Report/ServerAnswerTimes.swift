/// The server's own answer times (`flowcoach_activity_answer_seconds` on its `/metrics`):
/// cumulative bucket counts as scraped, and the percentiles of what happened between two
/// scrapes. The server sees from its loop's wake-up to its write; the soak's round trip adds
/// both kernels' delivery and the client's own queueing, so the two side by side tell where
/// a tail comes from.
public struct ServerAnswerTimes: Sendable, Equatable {
    /// Cumulative counts by upper bound in seconds (`+Inf` as `.infinity`), ascending.
    public struct Histogram: Sendable, Equatable {
        public var bounds: [Double] = []
        public var cumulative: [Int] = []

        public init(bounds: [Double] = [], cumulative: [Int] = []) {
            self.bounds = bounds
            self.cumulative = cumulative
        }

        /// Observations in all buckets.
        public var count: Int { cumulative.last ?? 0 }

        /// What was observed after `earlier` (the same server; buckets matched by bound).
        public func subtracting(_ earlier: Histogram) -> Histogram {
            var result = self
            for (index, bound) in bounds.enumerated() {
                if let before = earlier.bounds.firstIndex(of: bound) {
                    result.cumulative[index] = max(0, cumulative[index] - earlier.cumulative[before])
                }
            }
            return result
        }

        /// The `q`-quantile (0…1) in seconds, interpolated linearly inside its bucket as
        /// Prometheus' `histogram_quantile` does: a bucket's width bounds the error. In the
        /// `+Inf` bucket, the highest finite bound (nil with no observations).
        public func quantile(_ q: Double) -> Double? {
            guard count > 0, let first = cumulative.indices.first else { return nil }
            let rank = q * Double(count)
            var index = first
            while index < cumulative.count - 1 && Double(cumulative[index]) < rank { index += 1 }
            let upper = bounds[index]
            let lower = index == 0 ? 0 : bounds[index - 1]
            guard upper.isFinite else { return lower }
            let below = index == 0 ? 0 : cumulative[index - 1]
            let inBucket = cumulative[index] - below
            guard inBucket > 0 else { return upper }
            return lower + (upper - lower) * (rank - Double(below)) / Double(inBucket)
        }
    }

    /// From the loop's wake-up to the write (`since="wake"`).
    public var sinceWake = Histogram()
    /// From the loop's read of the connection to the write (`since="read"`).
    public var sinceRead = Histogram()

    public init(sinceWake: Histogram = Histogram(), sinceRead: Histogram = Histogram()) {
        self.sinceWake = sinceWake
        self.sinceRead = sinceRead
    }

    /// The metric's name on `/metrics`.
    public static let metricName = "flowcoach_activity_answer_seconds"

    /// Reads both series out of a Prometheus text exposition; nil when the server does not
    /// expose the metric (an older build).
    public init?(exposition: String) {
        let prefix = Self.metricName + "_bucket{"
        var wake: [(Double, Int)] = []
        var read: [(Double, Int)] = []
        for line in exposition.split(separator: "\n") where line.hasPrefix(prefix) {
            guard let close = line.lastIndex(of: "}") else { continue }
            let labels = line[line.index(line.startIndex, offsetBy: prefix.count)..<close]
            let valueText = line[line.index(after: close)...].drop { $0 == " " }
            guard let value = Int(valueText.prefix { $0 != " " }), let bound = Self.label("le", in: labels).flatMap(Self.bound) else {
                continue
            }
            switch Self.label("since", in: labels) {
            case "wake": wake.append((bound, value))
            case "read": read.append((bound, value))
            default: continue
            }
        }
        guard !wake.isEmpty || !read.isEmpty else { return nil }
        func histogram(_ pairs: [(Double, Int)]) -> Histogram {
            let sorted = pairs.sorted { $0.0 < $1.0 }
            return Histogram(bounds: sorted.map(\.0), cumulative: sorted.map(\.1))
        }
        sinceWake = histogram(wake)
        sinceRead = histogram(read)
    }

    /// What was observed after `earlier`.
    public func subtracting(_ earlier: ServerAnswerTimes) -> ServerAnswerTimes {
        ServerAnswerTimes(sinceWake: sinceWake.subtracting(earlier.sinceWake), sinceRead: sinceRead.subtracting(earlier.sinceRead))
    }

    /// The value of `name="…"` in a label list (no escapes: these labels never need them).
    private static func label(_ name: String, in labels: Substring) -> String? {
        for pair in labels.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == name else { continue }
            let value = parts[1]
            guard value.count >= 2, value.first == "\"", value.last == "\"" else { return nil }
            return String(value.dropFirst().dropLast())
        }
        return nil
    }

    private static func bound(_ text: String) -> Double? {
        text == "+Inf" ? .infinity : Double(text)
    }
}
