import CoachingCore
import Foundation
import Synchronization

/// The writer thread's loop: take from the queue, coalesce, commit with retry, ack.
final class WriterWorker: Sendable {
    private let store: any Store
    private let queue: WriterQueue
    private let configuration: WriterConfiguration
    private let metrics: WriterMetrics
    private let onDurable: @Sendable ([DurableAck]) -> Void
    private let onRejected: @Sendable ([PersistenceRecord], StoreError) -> Void
    /// Uptime nanoseconds after which shutdown stops retrying (Int.max = not shutting down).
    private let shutdownDeadlineNanos = Atomic<Int>(.max)
    /// The spill journal and its mode (writer thread only).
    private let spill = WriterSpill()

    init(
        store: any Store, queue: WriterQueue, configuration: WriterConfiguration, metrics: WriterMetrics,
        onDurable: @escaping @Sendable ([DurableAck]) -> Void,
        onRejected: @escaping @Sendable ([PersistenceRecord], StoreError) -> Void
    ) {
        self.store = store
        self.queue = queue
        self.configuration = configuration
        self.metrics = metrics
        self.onDurable = onDurable
        self.onRejected = onRejected
    }

    func setShutdownDeadline(afterMs ms: Int) {
        shutdownDeadlineNanos.store(Self.uptimeNanos() + ms * 1_000_000, ordering: .relaxed)
    }

    private static func uptimeNanos() -> Int { Int(DispatchTime.now().uptimeNanoseconds) }

    /// The thread body. Returns after shutdown, once the queue is empty.
    func run() {
        openJournal()
        if let pipelined = store as? any PipelinedStore {
            runPipelined(pipelined)
        } else {
            runSequential()
        }
        replayJournalBeforeExit()
        queue.markFinished()
    }

    /// One batch at a time: take, coalesce, commit, ack.
    private func runSequential() {
        while true {
            // While spilling, wake up without traffic too, to replay the journal when due.
            let items = queue.take(
                maxItems: configuration.maxBatchRecords, lingerMs: configuration.maxBatchDelayMs,
                idleTimeoutMs: spill.isSpilling ? spill.probeDelayMs : nil)
            if items.isEmpty {
                if queue.isClosed { break }  // closed and drained
                probeJournal()
                continue
            }
            var batch = WriterBatch()
            for item in items {
                switch item {
                case .record(let record):
                    batch.add(record)
                case .job(let job):
                    commit(&batch)  // everything before the job first
                    // Spilled records first too (a purge must not be undone by a replay).
                    if spill.isSpilling { _ = replayJournal() }
                    job(store)
                }
            }
            commit(&batch)
        }
    }

    /// Batch N+1 is taken, coalesced and sent while the store commits batch N, so the store
    /// never waits for the writer; each batch is acked once the store answered for it. Any
    /// failure abandons the pipeline and commits the batches in flight again, in order,
    /// through `commit` (retries, spill, splitting): writes are idempotent, so one that had
    /// committed after all changes nothing. While spilling, batches take `commit` too.
    private func runPipelined(_ pipelined: any PipelinedStore) {
        var inFlight: [(batch: WriterBatch, sentNanos: Int)] = []
        while true {
            // With a batch in flight, take only what is already queued: else answer it first.
            let items = queue.take(
                maxItems: configuration.maxBatchRecords, lingerMs: configuration.maxBatchDelayMs,
                idleTimeoutMs: !inFlight.isEmpty ? 0 : spill.isSpilling ? spill.probeDelayMs : nil)
            if items.isEmpty {
                if !inFlight.isEmpty {
                    receiveOldest(&inFlight, from: pipelined)
                    continue
                }
                if queue.isClosed { break }  // closed and drained
                probeJournal()
                continue
            }
            var batch = WriterBatch()
            for item in items {
                switch item {
                case .record(let record):
                    batch.add(record)
                case .job(let job):
                    // Everything before the job has committed when it runs.
                    while !inFlight.isEmpty { receiveOldest(&inFlight, from: pipelined) }
                    commit(&batch)
                    if spill.isSpilling { _ = replayJournal() }
                    job(store)
                }
            }
            if !batch.isEmpty {
                if spill.isSpilling {
                    while !inFlight.isEmpty { receiveOldest(&inFlight, from: pipelined) }
                    commit(&batch)
                } else {
                    do {
                        try pipelined.sendBatch(batch.checkpoints, baselines: batch.baselines)
                        inFlight.append((batch, Self.uptimeNanos()))
                    } catch {
                        metrics.recordFailure()
                        recommit(&inFlight, then: batch, abandoning: pipelined)
                    }
                }
            }
            while inFlight.count > 1 { receiveOldest(&inFlight, from: pipelined) }
        }
        while !inFlight.isEmpty { receiveOldest(&inFlight, from: pipelined) }
    }

    /// Waits for the oldest batch in flight and acks it; on failure, recommits it and the
    /// rest.
    private func receiveOldest(_ inFlight: inout [(batch: WriterBatch, sentNanos: Int)], from pipelined: any PipelinedStore) {
        let (batch, sentNanos) = inFlight.removeFirst()
        do {
            let summary = try pipelined.receiveBatch()
            metrics.recordCommit(records: batch.count, micros: (Self.uptimeNanos() - sentNanos) / 1_000)
            acknowledge(batch, summary)
        } catch {
            metrics.recordFailure()
            inFlight.insert((batch, sentNanos), at: 0)
            recommit(&inFlight, then: nil, abandoning: pipelined)
        }
    }

    /// Acks every checkpoint of a committed batch except those the store did not keep
    /// because their session belongs to another user: `durable` means stored under this
    /// user, so those are counted, reported and never acknowledged.
    private func acknowledge(_ batch: WriterBatch, _ summary: BatchSummary) {
        var acks = batch.acks
        if !summary.conflicting.isEmpty {
            reportConflicts(summary.conflicting, in: batch)
            let refused = Set(summary.conflicting)
            acks.removeAll { refused.contains($0.sessionId) }
        }
        if !acks.isEmpty { onDurable(acks) }
    }

    private func reportConflicts(_ sessionIds: [String], in batch: WriterBatch) {
        let refused = Set(sessionIds)
        metrics.conflictingCheckpoints.add(refused.count, ordering: .relaxed)
        let records = batch.checkpoints.filter { refused.contains($0.sessionId) }.map(PersistenceRecord.checkpoint)
        onRejected(records, .duplicate(what: "session id \(sessionIds.joined(separator: ",")) (stored under another user)"))
    }

    /// Abandons the pipeline and commits every batch that was in flight, then `next`, one
    /// after the other.
    private func recommit(
        _ inFlight: inout [(batch: WriterBatch, sentNanos: Int)], then next: WriterBatch?, abandoning pipelined: any PipelinedStore
    ) {
        pipelined.abandonPipeline()
        var batches = inFlight.map(\.batch)
        inFlight.removeAll()
        if let next { batches.append(next) }
        for var batch in batches { commit(&batch) }
    }

    /// Shutting down while spilling: replays the journal with backoff until the store takes
    /// it or the shutdown deadline passes. One attempt is not enough: the store may come
    /// back a moment after the last batch was spilled, and leaving its records in the
    /// journal would leave acknowledged data outside the store until the next start.
    /// What is still spilled at the deadline is durable on disk and replayed at the next start.
    private func replayJournalBeforeExit() {
        var delayMs = max(1, configuration.retryInitialDelayMs)
        while spill.isSpilling {
            if replayJournal() { return }
            if Self.uptimeNanos() >= shutdownDeadlineNanos.load(ordering: .relaxed) { return }
            Thread.sleep(forTimeInterval: Double(delayMs) / 1000)
            delayMs = min(delayMs * 2, max(1, configuration.retryMaxDelayMs))
        }
    }

    /// Commits `batch` (retrying transient failures), acks it, and empties it.
    private func commit(_ batch: inout WriterBatch) {
        guard !batch.isEmpty else { return }
        defer { batch = WriterBatch() }
        // Spilling: probe the store now and then by replaying the journal; until it answers,
        // keep draining the queue into the journal.
        if spill.isSpilling {
            probeJournal()
            if spill.isSpilling && spillToJournal(batch) { return }
        }
        var delayMs = configuration.retryInitialDelayMs
        while true {
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let summary = try store.writeBatch(batch.checkpoints, baselines: batch.baselines)
                let micros = Int((DispatchTime.now().uptimeNanoseconds &- started) / 1_000)
                metrics.recordCommit(records: batch.count, micros: micros)
                acknowledge(batch, summary)
                return
            } catch {
                metrics.recordFailure()
                guard error.isTransient else {
                    commitSeparately(batch, after: error)
                    return
                }
                // Past the memory bound, spill: the batch goes to the fsync'd journal and is
                // acked from there; the journal is replayed once the store answers.
                // Shutting down with the store away: spill too, rather than abandon.
                if spill.journal != nil,
                    queue.isClosed || metrics.queueDepth.load(ordering: .relaxed) >= configuration.spillAfterQueuedRecords,
                    spillToJournal(batch)
                {
                    spill.nextProbeNanos = Self.uptimeNanos() + delayMs * 1_000_000
                    spill.probeDelayMs = min(delayMs * 2, configuration.retryMaxDelayMs)
                    return
                }
                if Self.uptimeNanos() >= shutdownDeadlineNanos.load(ordering: .relaxed) {
                    metrics.abandonedRecords.add(batch.count, ordering: .relaxed)
                    return
                }
                if queue.isClosed {
                    Thread.sleep(forTimeInterval: Double(delayMs) / 1000)
                } else {
                    _ = queue.sleep(ms: delayMs)
                }
                delayMs = min(delayMs * 2, configuration.retryMaxDelayMs)
            }
        }
    }

    // MARK: Spill journal

    /// Opens the configured journal; a journal left by a previous run puts the writer in
    /// spilling mode, so its records are replayed first.
    private func openJournal() {
        guard let path = configuration.spillJournalPath else { return }
        do {
            let journal = try SpillJournal(path: path)
            spill.journal = journal
            metrics.journalBytes.store(journal.byteCount, ordering: .relaxed)
            if !journal.isEmpty {
                spill.isSpilling = true
                _ = replayJournal()
            }
        } catch {
            // Without a journal the writer still works: it retries and applies backpressure.
            metrics.recordFailure()
        }
    }

    /// While spilling: replays the journal when the backoff says it is time (doubling the
    /// wait after each failed attempt).
    private func probeJournal() {
        guard spill.isSpilling else { return }
        let now = Self.uptimeNanos()
        guard now >= spill.nextProbeNanos else { return }
        if replayJournal() {
            spill.probeDelayMs = configuration.retryInitialDelayMs
        } else {
            spill.nextProbeNanos = now + spill.probeDelayMs * 1_000_000
            spill.probeDelayMs = min(spill.probeDelayMs * 2, configuration.retryMaxDelayMs)
        }
    }

    /// Appends `batch` to the journal and acks it; false when there is no journal or the
    /// append failed (the caller then retries against the store as usual).
    private func spillToJournal(_ batch: WriterBatch) -> Bool {
        guard let journal = spill.journal else { return false }
        do {
            try journal.append(SpillJournal.Entry(checkpoints: batch.checkpoints, baselines: batch.baselines))
        } catch {
            return false
        }
        spill.isSpilling = true
        metrics.spilledRecords.add(batch.count, ordering: .relaxed)
        metrics.journalBytes.store(journal.byteCount, ordering: .relaxed)
        let acks = batch.acks
        if !acks.isEmpty { onDurable(acks) }
        return true
    }

    /// Writes every journal entry to the store, then empties the journal. False (journal
    /// kept) when the store is still failing transiently. Records the store refuses for good
    /// are dropped and reported like any rejected record. Already acked: no new acks.
    private func replayJournal() -> Bool {
        guard let journal = spill.journal else { return true }
        do {
            for entry in try journal.entries() {
                do {
                    let summary = try store.writeBatch(entry.checkpoints, baselines: entry.baselines)
                    metrics.replayedRecords.add(entry.checkpoints.count + entry.baselines.count, ordering: .relaxed)
                    if !summary.conflicting.isEmpty {
                        var batch = WriterBatch()
                        for checkpoint in entry.checkpoints { batch.add(.checkpoint(checkpoint)) }
                        reportConflicts(summary.conflicting, in: batch)
                    }
                } catch where error.isTransient {
                    metrics.recordFailure()
                    return false
                } catch {
                    guard replaySeparately(entry) else { return false }
                }
            }
            try journal.truncate()
        } catch {
            metrics.recordFailure()
            return false
        }
        metrics.journalBytes.store(0, ordering: .relaxed)
        spill.isSpilling = false
        return true
    }

    /// A journal entry with a record the store refuses: each record alone, the refused ones
    /// dropped. False when a transient failure interrupts it (the whole entry is replayed
    /// again later; replays are idempotent).
    private func replaySeparately(_ entry: SpillJournal.Entry) -> Bool {
        var batch = WriterBatch()
        for checkpoint in entry.checkpoints { batch.add(.checkpoint(checkpoint)) }
        for baseline in entry.baselines { batch.add(.baseline(baseline)) }
        for record in batch.records {
            var single = WriterBatch()
            single.add(record)
            do {
                try store.writeBatch(single.checkpoints, baselines: single.baselines)
                metrics.replayedRecords.add(1, ordering: .relaxed)
            } catch where error.isTransient {
                metrics.recordFailure()
                return false
            } catch {
                metrics.rejectedRecords.add(1, ordering: .relaxed)
                onRejected([record], error)
            }
        }
        return true
    }

    /// After a permanent failure: commits each record on its own, so one bad record costs
    /// only itself. A single record that fails permanently is dropped and reported.
    private func commitSeparately(_ batch: WriterBatch, after error: StoreError) {
        let records = batch.records
        guard records.count > 1 else {
            metrics.rejectedRecords.add(records.count, ordering: .relaxed)
            onRejected(records, error)
            return
        }
        for record in records {
            var single = WriterBatch()
            single.add(record)
            commit(&single)
        }
    }
}

/// The spill journal and whether the writer is spilling. Mutable state of the writer
/// thread only.
final class WriterSpill: @unchecked Sendable {
    // @unchecked Sendable: touched only by the writer thread (WriterWorker.run and what it
    // calls); the worker that holds it is shared only to start that thread.
    var journal: SpillJournal?
    /// Batches go to the journal (the store failed while the queue was past its bound, or
    /// a journal was left by a previous run) until a replay succeeds.
    var isSpilling = false
    /// Uptime nanoseconds of the next replay attempt while spilling.
    var nextProbeNanos = 0
    var probeDelayMs = 50
}
