public import CoachingCore

/// `writeBatch` in libpq pipeline mode: the same statement, each with its own sync (its own
/// transaction), sent while earlier ones are still executing.
extension PostgresStore: PipelinedStore {
    public func sendBatch(_ checkpoints: [SessionCheckpoint], baselines: [BaselineRecord]) throws(StoreError) {
        let batch = try PostgresBatch(checkpoints: checkpoints, baselines: baselines)
        guard !batch.isEmpty else {
            pipelined.append((batch.summary, false))
            return
        }
        try connection.sendPipelined(Self.writeBatchSQL, batch.parameters)
        pipelined.append((batch.summary, true))
    }

    public func receiveBatch() throws(StoreError) -> BatchSummary {
        guard !pipelined.isEmpty else {
            throw .unavailable(code: 0, message: "no batch in flight on \(connection.redactedConninfo)")
        }
        let (normalized, sent) = pipelined.removeFirst()
        guard sent else { return normalized }
        return try Self.summary(normalized, adding: try connection.receivePipelined())
    }

    public func abandonPipeline() {
        pipelined.removeAll()
        connection.abandonPipeline()
    }
}
