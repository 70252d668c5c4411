import CoachingCore
import Testing

@testable import RealtimeServer

/// The boards of every node follow the stored totals: a re-read user's totals become the
/// deltas from what the boards were told before, and a re-read that finds nothing new
/// changes nothing (a notice heard twice, or one the start-up rebuild already covered).
struct ClusterScoreMirrorTests {
    private func day(_ user: String, _ day: String, coding: Int64, flow: Int64, languages: [String: Int64] = [:]) -> StoredTotals {
        StoredTotals(userId: user, displayName: user.uppercased(), day: day, codingMs: coding, flowMs: flow, languageCodingMs: languages)
    }

    /// The totals the deltas add up to, per day (global coding, flow) and per language.
    private func sums(_ deltas: [ScoreDelta]) -> (coding: [String: Int64], flow: [String: Int64], languages: [String: Int64]) {
        var coding: [String: Int64] = [:], flow: [String: Int64] = [:], languages: [String: Int64] = [:]
        for delta in deltas {
            coding[delta.periods.day, default: 0] += delta.codingMsDelta
            flow[delta.periods.day, default: 0] += delta.flowMsDelta
            if let language = delta.language { languages[language, default: 0] += delta.codingMsDelta }
        }
        return (coding, flow, languages)
    }

    @Test("new totals become the difference from the seeded ones, language time counted once globally")
    func differenceFromSeed() {
        var mirror = ClusterScoreMirror()
        mirror.seed([day("ada", "2026-12-06", coding: 60_000, flow: 10_000, languages: ["swift": 40_000])])
        let deltas = mirror.replace(
            userId: "ada", displayName: "Ada",
            totals: [day("ada", "2026-12-06", coding: 100_000, flow: 30_000, languages: ["swift": 50_000, "rust": 20_000])],
            fromDay: "2026-11-30")
        let total = sums(deltas)
        #expect(total.coding == ["2026-12-06": 40_000])
        #expect(total.flow == ["2026-12-06": 20_000])
        #expect(total.languages == ["swift": 10_000, "rust": 20_000])
        #expect(deltas.allSatisfy { $0.displayName == "Ada" })
    }

    @Test("reading the same totals again gives no delta")
    func idempotent() {
        var mirror = ClusterScoreMirror()
        let totals = [day("ada", "2026-12-06", coding: 100_000, flow: 30_000, languages: ["swift": 50_000])]
        mirror.seed(totals)
        #expect(mirror.replace(userId: "ada", displayName: "ADA", totals: totals, fromDay: "2026-11-30").isEmpty)
        #expect(mirror.replace(userId: "ada", displayName: "ADA", totals: totals, fromDay: "2026-11-30").isEmpty)
    }

    @Test("a user never seen starts from zero; a day that vanished (purged) is taken off")
    func newUserAndVanishedDay() {
        var mirror = ClusterScoreMirror()
        let first = mirror.replace(
            userId: "bob", displayName: "Bob", totals: [day("bob", "2026-12-05", coding: 5_000, flow: 0)], fromDay: "2026-11-30")
        #expect(sums(first).coding == ["2026-12-05": 5_000])
        let second = mirror.replace(userId: "bob", displayName: "Bob", totals: [], fromDay: "2026-11-30")
        #expect(sums(second).coding == ["2026-12-05": -5_000])
    }

    @Test("days before the window are neither re-read nor taken off")
    func outsideTheWindow() {
        var mirror = ClusterScoreMirror()
        mirror.seed([day("ada", "2026-10-01", coding: 9_000, flow: 0)])
        #expect(mirror.replace(userId: "ada", displayName: "ADA", totals: [], fromDay: "2026-11-30").isEmpty)
    }
}
