import FlowEngine
import FlowEvaluation
import TestSupport
import Testing

/// The generated corpus is deterministic and its phases look like their documentation.
struct CorpusGeneratorTests {
    static func corpus(seed: UInt64) -> LabelledCorpus {
        var rng = SeededGenerator(seed: seed)
        return CorpusGenerator.corpus(using: &rng)
    }

    @Test("the same seed gives the same corpus and another seed a different one")
    func deterministic() {
        let a = Self.corpus(seed: 7), b = Self.corpus(seed: 7), c = Self.corpus(seed: 8)
        let signature: (LabelledCorpus) -> [Int64] = { corpus in
            corpus.sessions.flatMap { $0.windows.map { $0.window.keystrokes * 31 + $0.window.contextSwitches } }
        }
        #expect(signature(a) == signature(b))
        #expect(signature(a) != signature(c))
    }

    @Test("people span 55 ms to 480 ms typists and every session lasts 150 minutes")
    func peopleAndSessions() throws {
        let corpus = Self.corpus(seed: 7)
        let medians = corpus.people.map(\.medianIntervalMs)
        #expect(try #require(medians.min()) < 56 && medians.min()! > 54)
        #expect(try #require(medians.max()) > 479 && medians.max()! < 481)
        for session in corpus.sessions {
            let first = try #require(session.phases.first), last = try #require(session.phases.last)
            #expect(last.endMs - first.startMs >= 149 * 60_000 && last.endMs - first.startMs <= 151 * 60_000)
        }
    }

    @Test("phases carry the documented switch and error rates and idle phases no keystrokes")
    func phaseRates() {
        var minutes: [PhaseKind: Double] = [:], switches: [PhaseKind: Int64] = [:], errors: [PhaseKind: Int64] = [:]
        var keystrokes: [PhaseKind: Int64] = [:]
        for seed: UInt64 in 1...3 {
            for session in Self.corpus(seed: seed).sessions {
                for labelled in session.windows {
                    minutes[labelled.label, default: 0] += Double(labelled.window.windowMs) / 60_000
                    switches[labelled.label, default: 0] += labelled.window.contextSwitches
                    errors[labelled.label, default: 0] += labelled.window.errorEvents
                    keystrokes[labelled.label, default: 0] += labelled.window.keystrokes
                }
            }
        }
        func rate(_ counts: [PhaseKind: Int64], _ kind: PhaseKind) -> Double {
            Double(counts[kind] ?? 0) / Swift.max(minutes[kind] ?? 0, 1)
        }
        #expect(rate(switches, .deepFlow) < 0.5)
        #expect(rate(switches, .ordinaryWork) > 1.5 && rate(switches, .ordinaryWork) < 4)
        #expect(rate(errors, .ordinaryWork) > 0.5 && rate(errors, .ordinaryWork) < 2)
        #expect(rate(switches, .distracted) > 6 && rate(switches, .distracted) < 14)
        #expect(rate(switches, .switchStorm) > 8)
        #expect(rate(errors, .errorStorm) > 4)
        for kind: PhaseKind in [.idle, .away, .thinkingPause] { #expect(keystrokes[kind] == 0) }
        for kind in PhaseKind.allCases { #expect((minutes[kind] ?? 0) > 10, "\(kind) is represented") }
    }
}
