import FlowEngine
import FlowEvaluation
import Foundation
import TestSupport
import Testing

/// Writes held-out corpus 9001 as `activity` JSON lines plus its labels file, for checking
/// that `flowcoach replay --labels` prints the evaluator's figures:
/// `FLOWCOACH_EXPORT_DIR=/tmp/x swift test --filter CorpusExportTests`, then
/// `flowcoach replay /tmp/x/corpus.jsonl --labels /tmp/x/labels.jsonl`.
struct CorpusExportTests {
    @Test("export a held-out corpus as replay input and labels",
          .enabled(if: ProcessInfo.processInfo.environment["FLOWCOACH_EXPORT_DIR"] != nil))
    func export() throws {
        let directory = ProcessInfo.processInfo.environment["FLOWCOACH_EXPORT_DIR"] ?? "/tmp"
        let corpus = EvaluationReportTests.corpus(CorpusGenerator.heldOutSeeds[0])
        var activity = "", labels = ""
        for session in corpus.sessions {
            for labelled in session.windows {
                let w = labelled.window
                let intervals = w.keystrokeIntervals.map(String.init).joined(separator: ",")
                activity += "{\"type\":\"activity\",\"user\":\"\(session.person)\",\"session\":\"\(session.session)\",\"seq\":\(w.seq),"
                    + "\"at_ms\":\(w.atMs),\"window_ms\":\(w.windowMs),\"keystrokes\":\(w.keystrokes),"
                    + "\"keystroke_intervals\":[\(intervals)],\"context_switches\":\(w.contextSwitches),"
                    + "\"error_events\":\(w.errorEvents),\"focus_ms\":\(w.focusMs),\"files_modified\":\(w.filesModified),"
                    + "\"lines_added\":\(w.linesAdded),\"lines_deleted\":\(w.linesDeleted),"
                    + "\"file_saved\":\(w.fileSaved),\"commit\":\(w.commit)}\n"
                labels += "{\"session\":\"\(session.session)\",\"from_ms\":\(w.atMs - w.windowMs),\"to_ms\":\(w.atMs),"
                    + "\"label\":\"\(labelled.label.labelName)\"}\n"
            }
        }
        try activity.write(toFile: directory + "/corpus.jsonl", atomically: true, encoding: .utf8)
        try labels.write(toFile: directory + "/labels.jsonl", atomically: true, encoding: .utf8)
        print(FlowEvaluation(SessionCalls.replay(corpus)).report(title: "evaluator"))
    }
}
