import CoachingCore
import Persistence
import WireJSON

/// `POST /api/heartbeat(s)` and `…/heartbeats.bulk`: stores a batch of heartbeats, runs on
/// the writer thread.
///
/// Every element gets its own `[body, status]` answer, in order: `201` stored (or already
/// stored: duplicates count once), `400` refused with the reason (the plugin drops it),
/// `429` past the per-request limit (the plugin queues it and sends it again). A batch is
/// never refused as a whole once it parses: plugins re-send a refused request forever.
enum WakaTimeHeartbeatEndpoint {
    static func respond(_ request: APIRequest, caller: APICaller, context: APIContext) throws(WakaTimeFailure) -> APIResponse {
        let batch: HeartbeatBatch
        do {
            batch = try HeartbeatBatch(
                parsing: request.body, userAgent: request.userAgent, machine: request.machineName, nowMs: context.nowMs)
        } catch {
            throw WakaTimeFailure(status: error == .tooLarge(limit: WakaTimeRouter.maxBodyBytes) ? 413 : 400, error.message)
        }
        let store = context.store
        let user = caller.user
        let timeout = try read { () throws(StoreError) in try store.heartbeatTimeoutMs(userId: user.id) } ?? HeartbeatDurations.defaultTimeoutMs
        let accepted = batch.accepted
        var stored: [Bool] = []
        if !accepted.isEmpty {
            let ingest = plan(accepted, userId: user.id, calendar: caller.calendar, timeoutMs: timeout, nowMs: context.nowMs)
            let result = try read { () throws(StoreError) in try store.ingestHeartbeats(ingest) }
            stored = result.stored
            publish(result, user: user, context: context)
        }
        return answer(batch, stored: stored)
    }

    /// What to store and which days to recount: the local days each heartbeat can change
    /// (its own, and those a timeout before and after it), with their heartbeats and
    /// sessions loaded a timeout beyond.
    static func plan(_ beats: [HeartbeatRecord], userId: String, calendar: UserCalendar, timeoutMs: Int64, nowMs: Int64) -> HeartbeatIngest {
        var days: Set<LocalDay> = []
        for beat in beats {
            for instant in [beat.timeMs - timeoutMs, beat.timeMs, beat.timeMs + timeoutMs] { days.insert(calendar.day(atMs: instant)) }
        }
        let first = days.min() ?? calendar.day(atMs: nowMs)
        let last = days.max() ?? first
        return HeartbeatIngest(
            userId: userId, heartbeats: beats, receivedAtMs: nowMs, loadFromMs: calendar.startMs(of: first) - timeoutMs,
            loadToMs: calendar.endMs(of: last) + timeoutMs, days: Set(days.map(\.description))
        ) { stored, sessions in
            HeartbeatDurations.days(of: stored, timeoutMs: timeoutMs, covered: sessions) { calendar.offsetMs(atMs: $0) }
        }
    }

    /// Sends what changed to the leaderboards (one delta per day and language, no flow
    /// time) and to the user's home loop (`stats:me`).
    static func publish(_ result: HeartbeatIngestResult, user: User, context: APIContext) {
        var added: [UserDayTotals] = []
        for day in result.after.keys.sorted() {
            let after = result.after[day] ?? HeartbeatIngestResult.DayTime(activeMs: 0, languageMs: [:])
            let before = result.before[day] ?? HeartbeatIngestResult.DayTime(activeMs: 0, languageMs: [:])
            guard after != before else { continue }
            var languages: [String: Int64] = [:]
            for language in Set(after.languageMs.keys).union(before.languageMs.keys) {
                let delta = after.languageMs[language, default: 0] - before.languageMs[language, default: 0]
                guard delta != 0 else { continue }
                languages[language] = delta
                if let periods = PeriodKeys(day: day) {
                    context.leaderboards?.post(.score(ScoreDelta(
                        userId: user.id, displayName: user.displayName, periods: periods,
                        language: language.isEmpty ? nil : language, codingMsDelta: delta, flowMsDelta: 0)))
                }
            }
            added.append(UserDayTotals(
                userId: user.id, day: day, activeMs: after.activeMs - before.activeMs, flowMs: 0, keystrokes: 0, linesAdded: 0,
                linesDeleted: 0, sessions: 0, languageMs: languages))
        }
        if !added.isEmpty { context.storedDaysChanged(user.id, added) }
    }

    /// `{"responses":[[{"data":…},201],[{"error":…},400],…]}` (202 unless every one is
    /// 201), or WakaTime's single shape for a single-object body.
    static func answer(_ batch: HeartbeatBatch, stored: [Bool]) -> APIResponse {
        var json = JSONWriter(capacity: 128 + batch.items.count * 160)
        var allCreated = true
        var storedIndex = 0
        func item(_ item: HeartbeatBatch.Item) -> Int {
            switch item {
            case .accepted(let record):
                let isNew = storedIndex < stored.count ? stored[storedIndex] : false
                storedIndex += 1
                json.beginObject()
                json.key("data")
                json.beginObject()
                json.key("entity"); json.value(string: record.entity)
                json.key("type"); json.value(string: record.type)
                json.key("time"); json.value(Double(record.timeMs) / 1000, fractionDigits: 3)
                json.key("duplicate"); json.value(!isNew)
                json.key("flow_state"); json.null()
                json.endObject()
                json.endObject()
                return 201
            case .rejected(let reason):
                json.beginObject()
                json.key("error"); json.value(string: reason)
                json.endObject()
                return 400
            case .deferred:
                json.beginObject()
                json.key("error"); json.value(string: "too many heartbeats in one request: send this one again")
                json.endObject()
                return 429
            }
        }
        if batch.isSingle, let only = batch.items.first {
            let status = item(only)
            return APIResponse(status: status, json: json.bytes)
        }
        json.beginObject()
        json.key("responses")
        json.beginArray()
        for element in batch.items {
            json.beginArray()
            let status = item(element)
            json.value(Int64(status))
            json.endArray()
            if status != 201 { allCreated = false }
        }
        json.endArray()
        json.key("flowcoach"); json.value(string: WakaTimeSummary.flowNote)
        json.endObject()
        return APIResponse(status: allCreated ? 201 : 202, json: json.bytes)
    }

    private static func read<T>(_ body: () throws(StoreError) -> T) throws(WakaTimeFailure) -> T {
        do {
            return try body()
        } catch {
            throw WakaTimeFailure(APIError(error))
        }
    }
}
