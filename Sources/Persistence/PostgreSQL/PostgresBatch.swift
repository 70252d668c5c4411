import CoachingCore

/// A `writeBatch` call turned into the 37 array parameters of
/// `PostgresStore.writeBatchSQL`, one binary-format array per column (`PGBinaryArray`).
///
/// One statement cannot upsert the same key twice (`ON CONFLICT DO UPDATE command cannot
/// affect row a second time`), so the batch is normalized first, with the same outcome as
/// applying the records one after the other:
/// - checkpoints of one session are folded by `SessionCheckpoint.absorb(_:)`: the one that
///   wins by the seq guard (`supersedes(_:)`, the rule of the statement's own guard) keeps
///   its totals, flow periods are united; the folded-away ones count as `stale` (the
///   winner covers them);
/// - a checkpoint's days are unique by day (the last entry wins), its periods by start, its
///   marks by kind and start;
/// - baselines of one user keep the newest.
/// Records whose user id is not a UUID cannot belong to a stored user: they are counted as
/// orphaned here, like checkpoints of a purged user. A session id that is not a UUID cannot
/// be stored at all and fails the batch with `.invalidValue` (permanent: the writer then
/// drops just that record).
struct PostgresBatch {
    var summary = BatchSummary()
    private(set) var parameters: [PGValue] = []
    private(set) var isEmpty = true

    init(checkpoints: [SessionCheckpoint], baselines: [BaselineRecord]) throws(StoreError) {
        // One hash lookup per checkpoint: the position of its session's first checkpoint
        // (the writer's batches are coalesced already, so a second one is rare).
        var sessions: [SessionCheckpoint] = []
        sessions.reserveCapacity(checkpoints.count)
        var position: [String: Int] = [:]
        position.reserveCapacity(checkpoints.count)
        for checkpoint in checkpoints {
            guard PostgresSQL.isUUID(checkpoint.sessionId) else {
                throw .invalidValue(what: "session id '\(checkpoint.sessionId)' is not a UUID")
            }
            guard PostgresSQL.isUUID(checkpoint.userId) else {
                summary.orphaned += 1
                continue
            }
            if let first = position.updateValue(sessions.count, forKey: checkpoint.sessionId) {
                position[checkpoint.sessionId] = first
                sessions[first].absorb(checkpoint)
                summary.stale += 1
            } else {
                sessions.append(checkpoint)
            }
        }
        var newestBaseline: [String: BaselineRecord] = [:]
        var baselineOrder: [String] = []
        for baseline in baselines {
            guard PostgresSQL.isUUID(baseline.userId) else {
                summary.orphaned += 1
                continue
            }
            if let known = newestBaseline[baseline.userId] {
                if baseline.updatedAtMs > known.updatedAtMs { newestBaseline[baseline.userId] = baseline }
            } else {
                newestBaseline[baseline.userId] = baseline
                baselineOrder.append(baseline.userId)
            }
        }
        guard !sessions.isEmpty || !baselineOrder.isEmpty else { return }
        isEmpty = false
        try encodeSessions(sessions)
        try encodeDays(sessions)
        try encodePeriods(sessions)
        try encodeBaselines(baselineOrder.compactMap { newestBaseline[$0] })
        try encodeMarks(sessions)
    }

    private mutating func encodeSessions(_ sessions: [SessionCheckpoint]) throws(StoreError) {
        let capacity = sessions.count * 40
        let types: [PGBinaryArray.Element] = [.uuid, .uuid, .int8, .int8, .int8, .bool, .text]
            + [PGBinaryArray.Element](repeating: .int8, count: 8) + [.float8]
        var columns = types.map { PGBinaryArray($0, reservingCapacity: capacity) }
        for checkpoint in sessions {
            let totals = checkpoint.totals
            try columns[0].append(uuid: checkpoint.sessionId)
            try columns[1].append(uuid: checkpoint.userId)
            columns[2].append(checkpoint.seq)
            columns[3].append(checkpoint.startedAtMs)
            columns[4].append(checkpoint.lastAtMs)
            columns[5].append(checkpoint.ended)
            try columns[6].append(optional: checkpoint.project)
            columns[7].append(totals.activeMs)
            columns[8].append(totals.flowMs)
            columns[9].append(totals.keystrokes)
            columns[10].append(totals.linesAdded)
            columns[11].append(totals.linesDeleted)
            columns[12].append(totals.flowPeriods)
            columns[13].append(totals.interruptions)
            columns[14].append(totals.meanRecoveryMs)
            columns[15].append(totals.focusScore)
        }
        parameters.append(contentsOf: columns.map(\.value))
    }

    private mutating func encodeDays(_ sessions: [SessionCheckpoint]) throws(StoreError) {
        let types: [PGBinaryArray.Element] = [.uuid, .date, .int8, .int8, .int8, .int8, .int8, .jsonb]
        var columns = types.map { PGBinaryArray($0, reservingCapacity: sessions.count * 16) }
        for checkpoint in sessions {
            // The last entry for a day wins, as if the days were upserted one by one. A lone
            // day (the usual checkpoint) skips the set and its allocation.
            let lone = checkpoint.days.count == 1
            var seen = Set<String>()
            for day in checkpoint.days.reversed() where lone || seen.insert(day.day).inserted {
                try columns[0].append(uuid: checkpoint.sessionId)
                try columns[1].append(day: day.day)
                columns[2].append(day.activeMs)
                columns[3].append(day.flowMs)
                columns[4].append(day.keystrokes)
                columns[5].append(day.linesAdded)
                columns[6].append(day.linesDeleted)
                try columns[7].append(LanguageMapJSON.encode(day.languageMs))
            }
        }
        parameters.append(contentsOf: columns.map(\.value))
    }

    private mutating func encodePeriods(_ sessions: [SessionCheckpoint]) throws(StoreError) {
        var columns = [PGBinaryArray.Element]([.uuid, .int8, .int8, .float8, .float8]).map { PGBinaryArray($0) }
        for checkpoint in sessions {
            let lone = checkpoint.completedFlowPeriods.count == 1
            var seen = Set<Int64>()
            for period in checkpoint.completedFlowPeriods where lone || seen.insert(period.startMs).inserted {
                try columns[0].append(uuid: checkpoint.sessionId)
                columns[1].append(period.startMs)
                columns[2].append(period.endMs)
                columns[3].append(period.meanIntensity)
                columns[4].append(period.peakIntensity)
            }
        }
        parameters.append(contentsOf: columns.map(\.value))
    }

    private mutating func encodeMarks(_ sessions: [SessionCheckpoint]) throws(StoreError) {
        var columns = [PGBinaryArray.Element]([.uuid, .text, .int8, .int8]).map { PGBinaryArray($0) }
        for checkpoint in sessions {
            var unique: [SessionMarkRecord] = []
            unique.unite(checkpoint.completedMarks)
            for mark in unique {
                try columns[0].append(uuid: checkpoint.sessionId)
                try columns[1].append(mark.kind.rawValue)
                columns[2].append(mark.startMs)
                columns[3].append(mark.endMs)
            }
        }
        parameters.append(contentsOf: columns.map(\.value))
    }

    private mutating func encodeBaselines(_ baselines: [BaselineRecord]) throws(StoreError) {
        var columns = [PGBinaryArray.Element]([.uuid, .int8, .bytea, .bytea]).map { PGBinaryArray($0) }
        for baseline in baselines {
            try columns[0].append(uuid: baseline.userId)
            columns[1].append(baseline.updatedAtMs)
            columns[2].append(bytea: baseline.bytes)
            columns[3].append(bytea: baseline.breaks)
        }
        parameters.append(contentsOf: columns.map(\.value))
    }
}
