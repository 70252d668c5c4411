import CoachingCore
import FlowEngine
import FlowEvaluation
import Foundation

/// `flowcoach replay --labels FILE`: what the person was doing, per session and time span,
/// and the evaluation of the replay's `flow` answers against it (the same figures as
/// `FlowEvaluation` prints for the generated corpora).
///
/// The file holds JSON lines `{"session":"…","from_ms":…,"to_ms":…,"label":"flow"}`, one per
/// phase, with `label` one of `flow`, `thinking_pause`, `ordinary`, `distracted`, `idle`,
/// `away`, `switch_storm`, `error_storm`. A window belongs to the span holding its `at_ms`
/// (`from_ms < at_ms ≤ to_ms`); windows outside every span are not judged. Adjacent spans
/// with one label make one phase; a `thinking_pause` belongs to the flow phase around it.
struct ReplayLabels {
    struct Span {
        var fromMs: Int64
        var toMs: Int64
        var label: PhaseKind
        var phase: Int
    }

    /// Per session: its spans (time order) and phases.
    var spans: [String: [Span]] = [:]
    var phases: [String: [LabelledPhase]] = [:]
    /// Per session: the person and the calls, in replay order.
    var calls: [String: (person: String, calls: [WindowCall])] = [:]
    var sessionOrder: [String] = []

    /// Reads a labels file; throws with the line number of a bad line.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LabelsError("cannot read \(path)")
        }
        var lineNumber = 0
        for line in data.split(separator: 0x0A) {
            lineNumber += 1
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let session = object["session"] as? String,
                  let from = (object["from_ms"] as? NSNumber)?.int64Value,
                  let to = (object["to_ms"] as? NSNumber)?.int64Value, to > from,
                  let name = object["label"] as? String, let label = PhaseKind(labelName: name) else {
                throw LabelsError("\(path) line \(lineNumber): expected {\"session\",\"from_ms\",\"to_ms\",\"label\"} with a known label")
            }
            add(session: session, fromMs: from, toMs: to, label: label)
        }
    }

    private mutating func add(session: String, fromMs: Int64, toMs: Int64, label: PhaseKind) {
        if spans[session] == nil { sessionOrder.append(session) }
        var sessionPhases = phases[session] ?? []
        // A phase is a run of spans with one label; a thinking pause joins the flow around it.
        let kind: PhaseKind = label == .thinkingPause ? .deepFlow : label
        if let last = sessionPhases.last, last.kind == kind, fromMs <= last.endMs {
            sessionPhases[sessionPhases.count - 1].endMs = Swift.max(last.endMs, toMs)
        } else {
            sessionPhases.append(LabelledPhase(kind: kind, startMs: fromMs, endMs: toMs))
        }
        spans[session, default: []].append(Span(fromMs: fromMs, toMs: toMs, label: label,
                                                phase: sessionPhases.count - 1))
        phases[session] = sessionPhases
    }

    /// Records the replay's answer to a window.
    mutating func record(user: String, session: String, assessment: FlowAssessment) {
        guard let span = spans[session]?.first(where: { $0.fromMs < assessment.atMs && assessment.atMs <= $0.toMs })
        else { return }
        let call = WindowCall(label: span.label, phase: span.phase, atMs: assessment.atMs,
                              inFlow: assessment.inFlow, confidence: assessment.confidence)
        calls[session, default: (user, [])].calls.append(call)
    }

    /// The evaluation of every labelled session that had windows.
    func evaluation() -> FlowEvaluation {
        FlowEvaluation(sessionOrder.compactMap { session in
            guard let recorded = calls[session] else { return nil }
            return SessionCalls(person: recorded.person, phases: phases[session] ?? [], calls: recorded.calls)
        })
    }

    /// Windows judged.
    var judgedWindows: Int { calls.values.reduce(0) { $0 + $1.calls.count } }
}

/// A labels file that cannot be used.
struct LabelsError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
