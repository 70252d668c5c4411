/// The evaluation as text: the tables docs/FLOW_ENGINE.md and `flowcoach replay --labels` print.
extension FlowEvaluation {
    /// Per-phase shares, the headline figures and the reliability table, as Markdown.
    public func report(title: String) -> String {
        var lines = ["#### \(title)", "",
                     "| phase | windows (settled) | called flow (settled) | called flow (all windows) |",
                     "|---|---:|---:|---:|"]
        for kind in PhaseKind.allCases {
            let settled = settledShares[kind] ?? Share()
            let all = allShares[kind] ?? Share()
            guard all.windows > 0 else { continue }
            lines.append("| \(kind.labelName) | \(settled.windows) | \(Self.percent(settled.fraction)) | \(Self.percent(all.fraction)) |")
        }
        lines += ["",
                  "| figure | settled | all windows |", "|---|---:|---:|",
                  "| precision | \(Self.percent(settled.precision)) | \(Self.percent(all.precision)) |",
                  "| recall | \(Self.percent(settled.recall)) | \(Self.percent(all.recall)) |",
                  "| specificity | \(Self.percent(settled.specificity)) | \(Self.percent(all.specificity)) |",
                  "| balanced accuracy | \(Self.decimal(settled.balancedAccuracy, 3)) | \(Self.decimal(all.balancedAccuracy, 3)) |",
                  "",
                  "state changes per stable phase \(Self.decimal(changesPerStablePhase, 3)) (\(phases) phases); "
                    + "entry latency median \(medianEntryLatencyMs / 1000) s (\(entryLatenciesMs.count) flow phases, "
                    + "\(entriesMissed) never entered); exit latency median \(medianExitLatencyMs / 1000) s "
                    + "(\(exitLatenciesMs.count) exits)",
                  "",
                  "| confidence | windows | right | mean confidence |", "|---|---:|---:|---:|"]
        let edges = ReliabilityTable.edges
        for index in edges.indices where reliability.calls[index] > 0 {
            let upper = index + 1 < edges.count ? Self.decimal(edges[index + 1], 1) : "1.0"
            let n = reliability.calls[index]
            lines.append("| \(Self.decimal(edges[index], 1))–\(upper) | \(n) | "
                + "\(Self.percent(Double(reliability.right[index]) / Double(n))) | "
                + "\(Self.decimal(reliability.confidenceSum[index] / Double(n), 2)) |")
        }
        let high = reliability.accuracy(atOrAbove: 0.8)
        lines.append("")
        lines.append("confidence ≥ 0.8: \(high.calls) windows, \(Self.percent(high.accuracy)) right")
        return lines.joined(separator: "\n")
    }

    /// `0.1234` → `"12.3 %"`.
    static func percent(_ value: Double) -> String { decimal(value * 100, 1) + " %" }

    /// `value` with `digits` decimals (no Foundation formatting in a pure module).
    static func decimal(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((Swift.abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        let fraction = String(scaled % Int64(scale))
        let padded = String(repeating: "0", count: Swift.max(0, digits - fraction.count)) + fraction
        return (value < 0 && scaled > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + padded : "")
    }
}
