public import CoachingCore

/// A store that can take the next batch while the previous one commits: `sendBatch` hands a
/// batch over without waiting, `receiveBatch` waits for the oldest one sent. The writer
/// keeps at most two in flight and acks each only after `receiveBatch` returned for it, so
/// "durable" still means committed. `PostgresStore` implements it with libpq's pipeline
/// mode; the writer falls back to `writeBatch` for other stores.
///
/// Same thread rules as `Store`. Between batches (nothing in flight) every other `Store`
/// call works as usual.
public protocol PipelinedStore: Store {
    /// Sends one batch (`writeBatch`'s contract applies to it as a whole) without waiting
    /// for it to commit. Throws when it could not be sent; batches sent earlier are then in
    /// an unknown state (call `abandonPipeline()`).
    func sendBatch(_ checkpoints: [SessionCheckpoint], baselines: [BaselineRecord]) throws(StoreError)
    /// Waits until the oldest batch sent has committed and returns what it did; throws its
    /// error. Batches sent after it are unaffected by its failure.
    func receiveBatch() throws(StoreError) -> BatchSummary
    /// Forgets every batch in flight (they may or may not have committed: writing them
    /// again is idempotent), leaving the store ready for plain calls.
    func abandonPipeline()
}
