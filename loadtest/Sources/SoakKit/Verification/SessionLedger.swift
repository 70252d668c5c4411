/// The client's side of the sequence contract for one session (PROTOCOL.md):
/// `flow` answers every `activity` with the same seq, `durable` acks advance, and a resume
/// (`session.start` with the same id → `session.started` {resumed, last_seq, durable_seq})
/// tells the client what to send again.
///
/// It keeps every window not yet covered by a `durable` ack (the replay set), the windows
/// awaiting their `flow` with their send times (for round-trip latency), and the totals of
/// every seq handed out (what the session's `session.summary` must report). Pure: time comes
/// in as nanoseconds from the caller's monotonic clock.
public struct SessionLedger: Sendable {
    /// A finding about what the server sent.
    public struct Finding: Sendable, Equatable {
        public var kind: ViolationKind
        public var detail: String
        public init(_ kind: ViolationKind, _ detail: String) {
            self.kind = kind
            self.detail = detail
        }
    }

    /// What a `flow` meant.
    public enum FlowOutcome: Sendable, Equatable {
        /// It answered an activity in flight, sent `latencyNs` ago.
        case answered(latencyNs: UInt64)
        /// It named a seq already answered (a server push on a state change, or a late answer
        /// after the timeout): allowed.
        case unsolicited
        /// It broke the contract.
        case violation(Finding)
    }

    /// What a `session.started` meant.
    public struct StartOutcome: Sendable, Equatable {
        /// Windows to send again, in seq order (those the server has not processed).
        public var replay: [ActivityWindow] = []
        /// Contract breaches found in the answer.
        public var findings: [Finding] = []
        /// The server did not resume a session that had data (after a restart without
        /// a stored checkpoint this is expected; the caller decides).
        public var notResumed = false
    }

    /// The session.
    public let session: SessionKey
    /// Highest seq handed out (sent at least once).
    public private(set) var highestSent: Int64 = 0
    /// Highest seq covered by a `durable` ack or a resume's `durable_seq`.
    public private(set) var durableSeq: Int64 = 0
    /// Highest seq the server is known to have processed.
    public private(set) var processedSeq: Int64 = 0
    /// Totals of every seq handed out.
    public private(set) var totals = ActivityTotals()
    /// Windows above `durableSeq`, ascending: the replay set.
    public private(set) var retained: [ActivityWindow] = []
    /// Seqs awaiting their `flow`, ascending, with their send times.
    private var inFlight: [(seq: Int64, sentAtNs: UInt64)] = []

    public init(session: SessionKey) {
        self.session = session
    }

    /// Activities sent and not yet answered.
    public var inFlightCount: Int { inFlight.count }

    /// Send time of the oldest activity awaiting an answer.
    public var oldestInFlightNs: UInt64? { inFlight.first?.sentAtNs }

    /// Records the first send of `window`, which must be the next seq.
    public mutating func sent(_ window: ActivityWindow, atNs: UInt64) {
        precondition(window.seq == highestSent + 1, "SessionLedger: seq \(window.seq) sent after \(highestSent)")
        highestSent = window.seq
        totals.add(window)
        retained.append(window)
        inFlight.append((window.seq, atNs))
    }

    /// Records a replayed window (sent again after a resume).
    public mutating func resent(seq: Int64, atNs: UInt64) {
        precondition(seq <= highestSent, "SessionLedger: replay of unsent seq \(seq)")
        inFlight.append((seq, atNs))
    }

    /// Handles a `flow` for this session.
    public mutating func receivedFlow(seq: Int64, atNs: UInt64) -> FlowOutcome {
        if seq > highestSent {
            return .violation(Finding(.flowForUnsentSeq, "flow seq \(seq) but the highest seq sent is \(highestSent)"))
        }
        processedSeq = Swift.max(processedSeq, seq)
        // Answers come in seq order: the match is almost always the first entry.
        guard let index = inFlight.firstIndex(where: { $0.seq == seq }) else { return .unsolicited }
        let sentAt = inFlight[index].sentAtNs
        inFlight.remove(at: index)
        return .answered(latencyNs: atNs &- sentAt)
    }

    /// Handles a `durable` ack; drops the windows it covers from the replay set.
    public mutating func receivedDurable(seq: Int64) -> Finding? {
        if seq > highestSent {
            return Finding(.durableBeyondSent, "durable seq \(seq) but the highest seq sent is \(highestSent)")
        }
        if seq < durableSeq {
            return Finding(.durableRegressed, "durable seq \(seq) after durable seq \(durableSeq)")
        }
        advanceDurable(to: seq)
        return nil
    }

    /// The connection was lost: nothing in flight will be answered on it. Whether the
    /// server processed those windows is learnt from the resume's `last_seq`.
    public mutating func connectionLost() {
        inFlight.removeAll(keepingCapacity: true)
    }

    /// Handles `session.started` (first start or resume) and returns what to send again.
    public mutating func receivedStarted(resumed: Bool, lastSeq: Int64, durableSeq serverDurable: Int64) -> StartOutcome {
        var outcome = StartOutcome()
        if lastSeq > highestSent {
            outcome.findings.append(Finding(.resumeInconsistent, "last_seq \(lastSeq) but the highest seq sent is \(highestSent)"))
        }
        if serverDurable > lastSeq {
            outcome.findings.append(Finding(.resumeInconsistent, "durable_seq \(serverDurable) above last_seq \(lastSeq)"))
        }
        if serverDurable < durableSeq {
            outcome.findings.append(Finding(.durableLost, "resume reports durable_seq \(serverDurable) after a durable ack of \(durableSeq)"))
        }
        if highestSent > 0 && !resumed { outcome.notResumed = true }
        let processed = Swift.min(lastSeq, highestSent)
        advanceDurable(to: Swift.min(Swift.max(serverDurable, durableSeq), highestSent))
        processedSeq = processed
        outcome.replay = retained.filter { $0.seq > processed }
        return outcome
    }

    /// Removes and returns the seqs in flight since before `deadlineNs` (no answer in time).
    public mutating func expireInFlight(sentBeforeNs deadlineNs: UInt64) -> [Int64] {
        var expired: [Int64] = []
        while let first = inFlight.first, first.sentAtNs < deadlineNs {
            expired.append(first.seq)
            inFlight.removeFirst()
        }
        return expired
    }

    /// Compares a `session.summary` with what was sent.
    public func checkSummary(_ reported: ActivityTotals) -> Finding? {
        guard reported != totals else { return nil }
        return Finding(.summaryMismatch, "session \(session): summary keystrokes \(reported.keystrokes), "
            + "lines +\(reported.linesAdded)/-\(reported.linesDeleted); sent keystrokes \(totals.keystrokes), "
            + "lines +\(totals.linesAdded)/-\(totals.linesDeleted) over seq 1...\(highestSent)")
    }

    private mutating func advanceDurable(to seq: Int64) {
        guard seq > durableSeq else { return }
        durableSeq = seq
        let keep = retained.firstIndex { $0.seq > seq } ?? retained.count
        retained.removeFirst(keep)
    }
}
