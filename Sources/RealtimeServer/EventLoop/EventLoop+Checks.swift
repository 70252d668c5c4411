import CoachingCore
import WSProtocol

/// When the sweep next visits each connection. Every connection has one entry in
/// ``EventLoop/connectionChecks``: the earliest time at which a sweep would do something to
/// it (``nextCheckMs(of:)``), whose position in the heap the connection keeps. Whatever
/// makes a check due earlier outside the sweep asks for it through
/// ``scheduleCheck(_:atMs:)``; whatever makes it due later needs no heap work (the entry
/// pops early, the visit finds nothing to do and schedules the next one), which keeps the
/// heap off the message path: a byte received only moves the idle ping later.
extension EventLoop {
    /// Makes sure the sweep visits `connection` at `dueMs` or earlier. `nowMs` or earlier
    /// means "at the next sweep" (during a sweep: the one after it, so that a sweep ends).
    func scheduleCheck(_ connection: ClientConnection, atMs dueMs: Int64) {
        // A closed connection's slot may hold another connection already.
        guard owns(connection) else { return }
        let dueMs = isSweeping ? max(dueMs, nowMs + 1) : dueMs
        // Nothing happens when an earlier check is queued already.
        connectionChecks.schedule(slot: connection.slot, atMs: dueMs, in: self)
    }

    /// A visit at the next sweep: something changed what is due (a phase, pending output,
    /// busy TLS records); the visit computes the next check again.
    func checkAtNextSweep(_ connection: ClientConnection) {
        scheduleCheck(connection, atMs: nowMs)
    }

    /// The first monotonic time at which the sweep would do something to `connection`
    /// (`.max`: nothing until an input changes it). Mirrors ``EventLoop/visit(_:)``; `nowMs`
    /// stands for the checks that judge progress from sweep to sweep.
    func nextCheckMs(of connection: ClientConnection) -> Int64 {
        switch connection.phase {
        case .readingRequest, .closingAfterFlush, .lingering:
            return connection.deadlineMs
        case .webSocket:
            // The slow-reader rule and the TLS buffer review look again on every sweep.
            if !connection.pendingOutput.isEmpty || connection.tls?.needsRetentionReview == true { return nowMs }
            if connection.endpoint?.isAwaitingCloseReply == true { return connection.deadlineMs }
            if let coaching = connection.coaching, !coaching.isAuthenticated { return nowMs }  // the hello deadline
            let pingAfterMs = configuration.pingIntervalMs.multipliedReportingOverflow(by: Int64(connection.unansweredPings) + 1)
            let (dueMs, overflow) = connection.lastReceivedMs.addingReportingOverflow(pingAfterMs.partialValue)
            return pingAfterMs.overflow || overflow ? .max : dueMs
        }
    }
}

/// The loop's connections keep their check's position in the queue (no array beside the
/// table). Only slots of open connections are ever queued.
extension EventLoop: CheckPositions {
    func checkPosition(ofSlot slot: Int) -> UInt32 {
        connections[slot]?.checkPosition ?? ConnectionChecks.notQueued
    }

    func setCheckPosition(_ position: UInt32, ofSlot slot: Int) {
        connections[slot]?.checkPosition = position
    }
}
