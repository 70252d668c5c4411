import FlowEngine
import Testing

/// Our detector against seed 004's, window by window, on labelled synthetic sessions.
/// The table printed here is the one in docs/FLOW_ENGINE.md.
struct DetectorComparisonTests {
    struct Confusion {
        var truePositive = 0, falsePositive = 0, trueNegative = 0, falseNegative = 0

        mutating func add(predicted: Bool, actual: Bool) {
            switch (predicted, actual) {
            case (true, true): truePositive += 1
            case (true, false): falsePositive += 1
            case (false, false): trueNegative += 1
            case (false, true): falseNegative += 1
            }
        }

        var total: Int { truePositive + falsePositive + trueNegative + falseNegative }
        var accuracy: Double { Double(truePositive + trueNegative) / Double(Swift.max(total, 1)) }
        var precision: Double { Double(truePositive) / Double(Swift.max(truePositive + falsePositive, 1)) }
        var recall: Double { Double(truePositive) / Double(Swift.max(truePositive + falseNegative, 1)) }
        var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }
    }

    /// Labelled scenarios: name, phases. Every typist speed gets every scenario.
    static let scenarios: [(String, @Sendable (Double) -> [Phase])] = [
        ("steady", { [Phase(activity: .steady(intervalMs: $0), minutes: 30)] }),
        ("steady, storm, steady", { [Phase(activity: .steady(intervalMs: $0), minutes: 15),
                                     Phase(activity: .switchStorm, minutes: 0),
                                     Phase(activity: .steady(intervalMs: $0), minutes: 15)] }),
        ("steady, idle 3 min, steady", { [Phase(activity: .steady(intervalMs: $0), minutes: 15),
                                          Phase(activity: .idle(sendWindows: true), minutes: 3),
                                          Phase(activity: .steady(intervalMs: $0), minutes: 15)] }),
        ("bursty", { _ in [Phase(activity: .bursty, minutes: 20)] }),
        ("switching", { [Phase(activity: .switching(intervalMs: $0), minutes: 20)] }),
        ("error-heavy", { [Phase(activity: .errorHeavy(intervalMs: $0), minutes: 20)] }),
        ("mixed", { _ in [Phase(activity: .mixed, minutes: 20)] }),
        ("alternating", { [Phase(activity: .steady(intervalMs: $0), minutes: 12),
                           Phase(activity: .switching(intervalMs: $0), minutes: 6),
                           Phase(activity: .steady(intervalMs: $0), minutes: 12),
                           Phase(activity: .errorHeavy(intervalMs: $0), minutes: 6),
                           Phase(activity: .steady(intervalMs: $0), minutes: 12),
                           Phase(activity: .bursty, minutes: 6)] }),
    ]
    static let typists: [Double] = [70, 120, 200, 300, 400]

    /// Runs every scenario × typist × seed. `returning`: the user's baseline was learned
    /// in an earlier session (as it will be for everyone after their first day).
    static func evaluate(returning: Bool) -> (ours: Confusion, seed: Confusion, rows: [String]) {
        var ours = Confusion(), seed = Confusion()
        var oursSettled = Confusion(), seedSettled = Confusion()
        var rows: [String] = []
        for (name, phases) in scenarios {
            var oursRow = Confusion(), seedRow = Confusion()
            for typist in typists {
                for run: UInt64 in 0..<3 {
                    let windows = SyntheticSession.generate(phases(typist), seed: UInt64(typist) * 100 + run)
                    var harness = Harness(baseline: returning ? learnedBaseline(intervalMs: typist, seed: run) : UserBaseline())
                    harness.run(windows)
                    var seedDetector = SeedDetector()
                    var phase = -1
                    var phaseStart: Int64 = 0
                    for (labelled, update) in zip(windows, harness.updates) {
                        if labelled.phase != phase { phase = labelled.phase; phaseStart = labelled.window.atMs }
                        let seedInFlow = seedDetector.ingest(labelled.window).inFlow
                        oursRow.add(predicted: update.flow.inFlow, actual: labelled.flowLabel)
                        seedRow.add(predicted: seedInFlow, actual: labelled.flowLabel)
                        // "Settled": more than 2.5 min into a phase, past any hysteresis.
                        if labelled.window.atMs - phaseStart >= 150_000 {
                            oursSettled.add(predicted: update.flow.inFlow, actual: labelled.flowLabel)
                            seedSettled.add(predicted: seedInFlow, actual: labelled.flowLabel)
                        }
                    }
                }
            }
            rows.append("| \(name) | \(oursRow.total) | \(percent(oursRow.accuracy)) | \(percent(seedRow.accuracy)) |")
            for (total, row) in [(0, oursRow), (1, seedRow)] {
                for (predicted, actual, count) in [(true, true, row.truePositive), (true, false, row.falsePositive),
                                                   (false, false, row.trueNegative), (false, true, row.falseNegative)] {
                    for _ in 0..<count {
                        if total == 0 { ours.add(predicted: predicted, actual: actual) } else { seed.add(predicted: predicted, actual: actual) }
                    }
                }
            }
        }
        rows.append("| *all windows ≥ 2.5 min into a phase* | \(oursSettled.total) | \(percent(oursSettled.accuracy)) | \(percent(seedSettled.accuracy)) |")
        return (ours, seed, rows)
    }

    static func percent(_ value: Double) -> String {
        let tenths = Int((value * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10) %"
    }

    static func report(_ title: String, _ result: (ours: Confusion, seed: Confusion, rows: [String])) -> String {
        var lines = ["### \(title)", "", "| scenario | windows | ours accuracy | seed 004 accuracy |", "|---|---|---|---|"]
        lines += result.rows
        lines += ["", "| detector | accuracy | precision | recall | F1 |", "|---|---|---|---|---|"]
        for (name, c) in [("ours", result.ours), ("seed 004", result.seed)] {
            lines.append("| \(name) | \(percent(c.accuracy)) | \(percent(c.precision)) | \(percent(c.recall)) | \(percent(c.f1)) |")
        }
        return lines.joined(separator: "\n")
    }

    @Test("our detector clearly beats seed 004's on labelled sessions (new users)")
    func newUsers() {
        let result = Self.evaluate(returning: false)
        print(Self.report("New users (empty baseline)", result))
        #expect(result.ours.accuracy >= result.seed.accuracy + 0.15)
        #expect(result.ours.f1 > result.seed.f1 + 0.1)
        #expect(result.ours.precision >= 0.95)
    }

    @Test("our detector clearly beats seed 004's on labelled sessions (returning users)")
    func returningUsers() {
        let result = Self.evaluate(returning: true)
        print(Self.report("Returning users (learned baseline)", result))
        #expect(result.ours.accuracy >= result.seed.accuracy + 0.15)
        #expect(result.ours.f1 > result.seed.f1 + 0.1)
        #expect(result.ours.precision >= 0.95)
    }
}
