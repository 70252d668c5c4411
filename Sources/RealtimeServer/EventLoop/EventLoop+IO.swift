import CoachingCore
import Glibc
import Logging
import LoopKit
import WSProtocol

/// Reading into the loop buffer and writing the cork buffer out, per connection.
extension EventLoop {
    /// How long a half-closed connection waits for the peer's FIN.
    static let lingerMs: Int64 = 2000

    /// One `read` per readiness event (level-triggered: more data wakes us again, which keeps
    /// one busy connection from starving the rest).
    func readAvailable(_ connection: ClientConnection) {
        guard !connection.isInputPaused else { return }
        if connection.tls != nil {
            readAvailableTLS(connection)
            return
        }
        switch SystemCall.receive(connection.fd, into: readBuffer) {
        case .wouldBlock:
            return
        case .failed, .transferred(0):
            // EOF or reset: RFC 6455 §7.1.5 — the connection is closed (1006 if no close frame).
            closeConnection(connection)
        case .transferred(let count):
            stats.add(.bytesReceived, count)
            stats.add(.socketReads)
            let answeredBefore = stats.activitiesAnswered
            received(connection, UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<count]))
            flush(connection)
            recordAnswerTimes(answeredBefore: answeredBefore)
        }
    }

    /// Plaintext bytes (from the socket or out of TLS) for whatever phase the connection is in.
    func received(_ connection: ClientConnection, _ bytes: UnsafeMutableRawBufferPointer) {
        connection.lastReceivedMs = nowMs
        connection.unansweredPings = 0
        switch connection.phase {
        case .readingRequest where connection.pendingAPIBody != nil:
            receivedAPIBodyBytes(connection, bytes)
        case .readingRequest:
            receivedRequestBytes(connection, bytes)
        case .webSocket:
            receivedFrameBytes(connection, bytes, from: 0)
        case .closingAfterFlush, .lingering:
            break  // input after we decided to close is discarded
        }
    }

    /// TLS: ciphertext lent to the session, then every plaintext record it yields through the
    /// same path as plaintext input.
    private func readAvailableTLS(_ connection: ClientConnection) {
        var lent = false
        switch SystemCall.receive(connection.fd, into: cipherBuffer) {
        case .wouldBlock:
            return
        case .failed:
            closeConnection(connection)
            return
        case .transferred(0):
            if connection.phase == .lingering || connection.phase == .closingAfterFlush {
                closeConnection(connection)
                return
            }
            connection.tls?.receivedEndOfStream()
        case .transferred(let count):
            stats.add(.bytesReceived, count)
            stats.add(.socketReads)
            // OpenSSL decrypts straight out of the loop's buffer; the session keeps a copy of
            // only what it has not read when the loan ends, before the buffer is reused.
            connection.tls?.lendCiphertext(UnsafeRawBufferPointer(rebasing: cipherBuffer[0..<count]))
            lent = true
        }
        let answeredBefore = stats.activitiesAnswered
        readBufferedPlaintext(connection)
        if lent { connection.tls?.endCiphertextLoan() }
        flush(connection)
        recordAnswerTimes(answeredBefore: answeredBefore)
    }

    /// Every plaintext record the TLS session can yield now, through the same path as
    /// plaintext input (stops while input is paused; the rest stays in the session).
    func readBufferedPlaintext(_ connection: ClientConnection) {
        records: while owns(connection) && !connection.isInputPaused {
            guard let result = connection.tls?.readPlaintext(into: readBuffer) else { return }
            switch result {
            case .bytes(let count):
                received(connection, UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<count]))
            case .wantMoreCiphertext:
                break records
            case .closed:
                // close_notify (or EOF before any byte): answer with ours and close.
                closeAfterFlush(connection)
                break records
            case .failed(let error):
                logger.info("TLS connection failed", metadata: ["peer": "\(connection.peer)", "error": "\(error)"])
                closeAfterFlush(connection)
                break records
            }
        }
    }

    /// Sends what `connection` produced into the cork buffer (encrypted first on TLS), behind
    /// anything still pending, with one `writev`. What the kernel does not take is kept in
    /// `pendingOutput` and EPOLLOUT is armed; a reader that lets that grow past the limit is
    /// dropped.
    func flush(_ connection: ClientConnection) {
        guard owns(connection) else {
            cork.discard(for: connection.token)
            return
        }
        if connection.tls != nil {
            encryptCork(for: connection)
            writeOut(connection, fresh: &cipherCork)
            scheduleRetentionReview(connection)
        } else {
            var fresh = cork.takeBytes(for: connection.token)
            writeOut(connection, fresh: &fresh)
            cork.returnStorage(&fresh)
        }
    }

    /// TLS records moved since the last review of the session's buffers (reads are flushed
    /// too, so this sees them): the next sweep reviews it. One comparison per flush once
    /// the check is queued.
    private func scheduleRetentionReview(_ connection: ClientConnection) {
        guard owns(connection), connectionChecks.scheduledMs(slot: connection.slot, in: self) > nowMs, connection.phase == .webSocket,
              connection.tls?.needsRetentionReview == true else { return }
        checkAtNextSweep(connection)
    }

    /// Encrypts the connection's plaintext from the cork, its records going straight into
    /// `cipherCork` after anything the session had waiting (handshake messages, alerts).
    func encryptCork(for connection: ClientConnection) {
        var plaintext = cork.takeBytes(for: connection.token)
        if !plaintext.isEmpty {
            let result = plaintext.withUnsafeReadableBytes {
                connection.tls?.writePlaintext($0, appendingCiphertextTo: &cipherCork)
            }
            plaintext.consume(plaintext.readableCount)
            cork.returnStorage(&plaintext)
            if case .failed = result { closeConnection(connection) }
        } else {
            cork.returnStorage(&plaintext)
        }
        connection.tls?.drainCiphertext(into: &cipherCork)
    }

    private func writeOut(_ connection: ClientConnection, fresh: inout ByteWriter) {
        defer { fresh.consume(fresh.readableCount) }
        guard owns(connection) else { return }
        let wasWaiting = connection.hasPendingOutput
        if !wasWaiting && fresh.isEmpty {
            finishIfDrained(connection)
            return
        }
        // With nothing waiting (the common case) the backlog is not read at all.
        let result = wasWaiting
            ? connection.pendingOutput.withUnsafeReadableBytes { pending in
                fresh.withUnsafeReadableBytes { bytes in SystemCall.send(connection.fd, pending, bytes) }
            }
            : fresh.withUnsafeReadableBytes { bytes in SystemCall.send(connection.fd, bytes) }
        stats.add(.socketWrites)
        switch result {
        case .failed:
            closeConnection(connection)
            return
        case .wouldBlock:
            keepUnwritten(connection, fresh: fresh, written: 0)
            if !wasWaiting { connection.lastOutputProgressMs = nowMs }
        case .transferred(let written):
            stats.add(.bytesSent, written)
            if wasWaiting || written < fresh.readableCount {
                keepUnwritten(connection, fresh: fresh, written: written)
            }
            connection.lastOutputProgressMs = nowMs
        }
        guard !closeIfStuckReader(connection) else { return }
        updateWriteInterest(connection)
        finishIfDrained(connection)
    }

    /// The slow-reader rule: more than the route's outbound limit queued (at least one
    /// whole message of the largest allowed size) is tolerated while the reader takes some
    /// of it; it is closed after `websocket.max_stall_ms` without progress, or at once past
    /// twice the limit (the memory bound). Called after writes and by the sweep.
    @discardableResult
    func closeIfStuckReader(_ connection: ClientConnection) -> Bool {
        guard connection.hasPendingOutput || connection.tls != nil else { return false }
        let queued = connection.pendingOutput.readableCount + (connection.tls?.pendingPlaintextCount ?? 0)
        let limit = configuration.outboundLimitBytes(echo: connection.route == .echo)
        guard queued > limit else { return false }
        let stalledMs = nowMs - connection.lastOutputProgressMs
        guard queued > 2 * limit || stalledMs >= configuration.maxStallMs else { return false }
        stats.add(.slowReadersClosed)
        logger.notice("closing a connection that stopped reading", metadata: [
            "peer": "\(connection.peer)", "queued_bytes": "\(queued)", "stalled_ms": "\(stalledMs)",
        ])
        closeConnection(connection)
        return true
    }

    /// Moves the part of (pending + fresh) that was not written into `pendingOutput`.
    private func keepUnwritten(_ connection: ClientConnection, fresh: ByteWriter, written: Int) {
        var written = written
        let pendingCount = connection.pendingOutput.readableCount
        if pendingCount > 0 {
            let fromPending = min(written, pendingCount)
            connection.pendingOutput.consume(fromPending)
            written -= fromPending
        }
        if written < fresh.readableCount {
            fresh.withUnsafeReadableBytes { bytes in
                connection.pendingOutput.append(UnsafeRawBufferPointer(rebasing: bytes[written...]))
            }
        }
        if connection.pendingOutput.isEmpty {
            // Idle connections hold no output buffer (memory budget per connection).
            connection.pendingOutput.reset(keepingCapacityUpTo: 0)
        } else if connection.pendingOutput.readableCount * 4 < connection.pendingOutput.capacity {
            connection.pendingOutput.compact()
        }
    }

    private func updateWriteInterest(_ connection: ClientConnection) {
        let wants = connection.hasPendingOutput
        guard wants != connection.wantsWritable else { return }
        connection.wantsWritable = wants
        if wants { checkAtNextSweep(connection) }  // the slow-reader rule judges it on every sweep
        try? epoll.modify(connection.fd, token: connection.token, interest: wants ? [.read, .write] : .read)
    }

    /// Closes a connection whose last bytes are out and which asked to close after flushing.
    private func finishIfDrained(_ connection: ClientConnection) {
        if connection.phase == .closingAfterFlush && !connection.hasPendingOutput {
            // Half-close first so the peer sees our last bytes before the FIN (RFC 6455 §7.1.1:
            // the server closes the TCP connection first), then wait briefly for its FIN.
            shutdown(connection.fd, Int32(SHUT_WR))
            connection.phase = .lingering
            connection.deadlineMs = nowMs + Self.lingerMs
            scheduleCheck(connection, atMs: connection.deadlineMs)
        }
    }
}
