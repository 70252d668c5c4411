import CoachingCore
import Foundation

enum PersistenceFixtures {
    static func user(_ name: String = "ada", id: String = UUID().uuidString.lowercased()) -> User {
        User(id: id, name: name, displayName: name.capitalized, timeZone: "Europe/Berlin", createdAtMs: 1_700_000_000_000)
    }

    static func checkpoint(
        session: String = UUID().uuidString.lowercased(), user: String, seq: Int64, activeMs: Int64 = 60_000,
        day: String = "2026-11-22", languages: [String: Int64] = ["swift": 60_000],
        periods: [FlowPeriodRecord] = [], project: String? = "flowcoach"
    ) -> SessionCheckpoint {
        SessionCheckpoint(
            sessionId: session, userId: user, seq: seq, startedAtMs: 1_763_800_000_000,
            lastAtMs: 1_763_800_000_000 + activeMs, ended: false, project: project,
            totals: CheckpointTotals(
                activeMs: activeMs, flowMs: activeMs / 2, keystrokes: seq * 10, linesAdded: seq, linesDeleted: 1,
                flowPeriods: Int64(periods.count), interruptions: 2, meanRecoveryMs: 1_500, focusScore: 0.75),
            days: [
                SessionDayTotals(
                    day: day, activeMs: activeMs, flowMs: activeMs / 2, keystrokes: seq * 10, linesAdded: seq,
                    linesDeleted: 1, languageMs: languages)
            ],
            completedFlowPeriods: periods)
    }

    static func period(_ start: Int64) -> FlowPeriodRecord {
        FlowPeriodRecord(startMs: start, endMs: start + 900_000, meanIntensity: 0.6, peakIntensity: 0.9)
    }
}
