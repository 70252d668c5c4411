import CoachingCore
import WireJSON

/// The JSON shapes of stored records in API answers and the export: snake_case names
/// (PROTOCOL.md), instants as `…_ms` integers (plus RFC 3339 where a person reads them),
/// durations as `…_ms`, maps with sorted keys so equal data gives equal bytes.
extension JSONWriter {
    /// Digits after the point for 0…1 scores in API answers.
    static let apiScoreDigits = 4
    /// Digits after the point for 0…1 scores in the export (round trip to 1e-6).
    static let exportScoreDigits = 6

    mutating func writeUser(_ user: User) {
        beginObject()
        key("id"); value(string: user.id)
        key("name"); value(string: user.name)
        key("display_name"); value(string: user.displayName)
        key("time_zone"); value(string: user.timeZone)
        key("created_at_ms"); value(user.createdAtMs)
        endObject()
    }

    /// A team answer's `team` member: `{"id", "name"}`, the name null when the team is gone.
    mutating func writeTeamMember(id teamId: String, team: Team?) {
        key("team")
        beginObject()
        key("id"); value(string: teamId)
        key("name")
        if let team { value(string: team.name) } else { null() }
        endObject()
    }

    mutating func writePrivacy(_ settings: PrivacySettings) {
        beginObject()
        key("leaderboard_visible"); value(settings.leaderboardVisible)
        key("share_project_names"); value(settings.shareProjectNames)
        endObject()
    }

    /// `{"swift":4500,"c":1500}` with keys sorted.
    mutating func writeLanguages(_ languages: [String: Int64]) {
        beginObject()
        for (language, ms) in languages.sorted(by: { $0.key < $1.key }) {
            key(string: language); value(ms)
        }
        endObject()
    }

    mutating func writeOptional(_ number: Int64?) {
        if let number { value(number) } else { null() }
    }

    /// One stored session with its days and flow periods (history and export).
    mutating func writeSession(_ stored: StoredSession, scoreDigits: Int) {
        let session = stored.checkpoint
        let totals = session.totals
        beginObject()
        key("id"); value(string: session.sessionId)
        key("seq"); value(session.seq)
        key("started_at"); value(string: RFC3339Timestamp.string(epochMs: session.startedAtMs))
        key("started_at_ms"); value(session.startedAtMs)
        key("last_at_ms"); value(session.lastAtMs)
        key("duration_ms"); value(max(0, session.lastAtMs &- session.startedAtMs))
        key("ended"); value(session.ended)
        key("project")
        if let project = session.project { value(string: project) } else { null() }
        key("active_ms"); value(totals.activeMs)
        key("flow_ms"); value(totals.flowMs)
        key("keystrokes"); value(totals.keystrokes)
        key("lines_added"); value(totals.linesAdded)
        key("lines_deleted"); value(totals.linesDeleted)
        key("flow_periods"); value(totals.flowPeriods)
        key("interruptions"); value(totals.interruptions)
        key("mean_recovery_ms"); value(totals.meanRecoveryMs)
        key("focus_score"); value(totals.focusScore, fractionDigits: scoreDigits)
        key("languages"); writeLanguages(session.languageMs)
        key("days")
        beginArray()
        for day in session.days {
            beginObject()
            key("day"); value(string: day.day)
            key("active_ms"); value(day.activeMs)
            key("flow_ms"); value(day.flowMs)
            key("keystrokes"); value(day.keystrokes)
            key("lines_added"); value(day.linesAdded)
            key("lines_deleted"); value(day.linesDeleted)
            key("languages"); writeLanguages(day.languageMs)
            endObject()
        }
        endArray()
        key("periods")
        beginArray()
        for period in stored.flowPeriods {
            beginObject()
            key("start_ms"); value(period.startMs)
            key("end_ms"); value(period.endMs)
            key("duration_ms"); value(max(0, period.endMs &- period.startMs))
            key("mean_intensity"); value(period.meanIntensity, fractionDigits: scoreDigits)
            key("peak_intensity"); value(period.peakIntensity, fractionDigits: scoreDigits)
            endObject()
        }
        endArray()
        // The timeline's other states and the break reminders, by start.
        key("marks")
        beginArray()
        for mark in stored.marks {
            beginObject()
            key("kind"); value(string: mark.kind.rawValue)
            key("start_ms"); value(mark.startMs)
            key("end_ms"); value(mark.endMs)
            endObject()
        }
        endArray()
        endObject()
    }

    /// One user's totals for one local day.
    mutating func writeDailyAggregate(_ aggregate: UserDayTotals) {
        beginObject()
        key("day"); value(string: aggregate.day)
        key("active_ms"); value(aggregate.activeMs)
        key("flow_ms"); value(aggregate.flowMs)
        key("keystrokes"); value(aggregate.keystrokes)
        key("lines_added"); value(aggregate.linesAdded)
        key("lines_deleted"); value(aggregate.linesDeleted)
        key("sessions"); value(aggregate.sessions)
        key("languages"); writeLanguages(aggregate.languageMs)
        endObject()
    }
}
