import CoachingCore

/// The records of one transaction, coalesced: one checkpoint per session (the one that wins
/// by the seq guard, `SessionCheckpoint.supersedes(_:)`, with the flow periods of all
/// united) and one baseline per user (the newest).
struct WriterBatch {
    private var checkpointIndex: [String: Int] = [:]
    private(set) var checkpoints: [SessionCheckpoint] = []
    private var baselineIndex: [String: Int] = [:]
    private(set) var baselines: [BaselineRecord] = []

    var isEmpty: Bool { checkpoints.isEmpty && baselines.isEmpty }
    var count: Int { checkpoints.count + baselines.count }

    mutating func add(_ record: PersistenceRecord) {
        switch record {
        case .checkpoint(let checkpoint):
            if let index = checkpointIndex[checkpoint.sessionId] {
                checkpoints[index].absorb(checkpoint)
            } else {
                checkpointIndex[checkpoint.sessionId] = checkpoints.count
                checkpoints.append(checkpoint)
            }
        case .baseline(let baseline):
            if let index = baselineIndex[baseline.userId] {
                if baseline.updatedAtMs > baselines[index].updatedAtMs { baselines[index] = baseline }
            } else {
                baselineIndex[baseline.userId] = baselines.count
                baselines.append(baseline)
            }
        }
    }

    /// One ack per session: the seq of its winning checkpoint, the highest in this batch.
    var acks: [DurableAck] {
        checkpoints.map { DurableAck(sessionId: $0.sessionId, userId: $0.userId, seq: $0.seq) }
    }

    /// The coalesced records, for splitting after a permanent failure.
    var records: [PersistenceRecord] {
        checkpoints.map(PersistenceRecord.checkpoint) + baselines.map(PersistenceRecord.baseline)
    }
}
