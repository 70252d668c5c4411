import CLibPQ
import CoachingCore

/// libpq's pipeline mode: a statement is sent with a sync right behind it (so it is its own
/// transaction) and without waiting for the results of those sent before; the results come
/// back in order. The writer uses it to send batch N+1 while the server commits batch N, so
/// the server never waits for the writer to encode (the libpq manual, "Pipeline Mode", and
/// its libpq_pipeline.c: one sync per batch, results read up to each PGRES_PIPELINE_SYNC).
///
/// The connection leaves pipeline mode whenever nothing is pending, so `query`/`execute`
/// keep working between pipelined batches.
extension PGConnection {
    /// Sends one statement of this module's constant SQL and a sync; does not wait for the
    /// result (`receivePipelined()` reads it). The statement is prepared outside pipeline
    /// mode on first use on a connection.
    func sendPipelined(_ sql: String, _ values: [PGValue]) throws(StoreError) {
        let connection = try connectIfNeeded()
        if PQpipelineStatus(connection) == PQ_PIPELINE_OFF {
            _ = try preparedName(for: sql, on: connection)
            guard PQenterPipelineMode(connection) == 1 else { throw broken(connection) }
        }
        // Prepared above, or on the send that entered pipeline mode on this connection.
        let name = try preparedName(ifKnown: sql)
        let sent = try Self.withParameters(values) { count, pointers, lengths, formats in
            PQsendQueryPrepared(connection, name, count, pointers, lengths, formats, 0)
        }
        guard sent == 1, PQpipelineSync(connection) == 1 else { throw broken(connection) }
        pipelinePending += 1
        try flush(connection, until: ContinuousClock.now + .milliseconds(timeoutMs))
    }

    /// Waits for the oldest pipelined statement's result and its sync: when this returns,
    /// that statement's transaction has committed. Throws its error (the statements sent
    /// after it are unaffected: each has its own sync).
    func receivePipelined() throws(StoreError) -> PGResult {
        guard let connection = handle, pipelinePending > 0 else {
            throw .unavailable(code: 0, message: "no pipelined statement in flight on \(redactedConninfo)")
        }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        var last: PGResult?
        var firstError: StoreError?
        var emptyReads = 0
        while true {
            while PQisBusy(connection) == 1 || emptyReads > 1 {
                emptyReads = 0
                try waitOrClose(connection, readable: true, writable: false, until: deadline)
                guard PQconsumeInput(connection) == 1 else { throw broken(connection) }
            }
            // NULL ends the statement's results; the sync's result follows.
            guard let result = PQgetResult(connection) else {
                guard PQstatus(connection) == CONNECTION_OK else { throw broken(connection) }
                emptyReads += 1
                continue
            }
            emptyReads = 0
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC {
                PQclear(result)
                break
            }
            if status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK {
                last = PGResult(handle: result)
            } else {
                if firstError == nil { firstError = PGErrorMapping.storeError(result: result, connection: connection) }
                PQclear(result)
            }
        }
        pipelinePending -= 1
        if pipelinePending == 0 { _ = PQexitPipelineMode(connection) }
        if let firstError { throw firstError }
        guard let last else { throw .failed(code: 0, message: "PostgreSQL returned no result") }
        return last
    }

    /// Forgets what is in flight: closes the connection when results are pending (whether
    /// those statements committed is unknown; the writer commits them again, idempotently).
    func abandonPipeline() {
        if pipelinePending > 0 { close() }
    }
}
