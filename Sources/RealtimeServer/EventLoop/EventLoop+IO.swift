import Logging
import Glibc
import WSProtocol

/// Reading into the loop buffer and writing the cork buffer out, per connection.
extension EventLoop {
    /// How long a half-closed connection waits for the peer's FIN.
    static let lingerMs: Int64 = 2000

    /// One `read` per readiness event (level-triggered: more data wakes us again, which keeps
    /// one busy connection from starving the rest).
    func readAvailable(_ connection: ClientConnection) {
        switch SystemCall.read(connection.fd, into: readBuffer) {
        case .wouldBlock:
            return
        case .failed, .transferred(0):
            // EOF or reset: RFC 6455 §7.1.5 — the connection is closed (1006 if no close frame).
            closeConnection(connection)
        case .transferred(let count):
            stats.add(.bytesReceived, count)
            connection.lastReceivedMs = nowMs
            connection.unansweredPings = 0
            let bytes = UnsafeMutableRawBufferPointer(rebasing: readBuffer[0..<count])
            switch connection.phase {
            case .readingRequest:
                receivedRequestBytes(connection, bytes)
            case .webSocket:
                receivedFrameBytes(connection, bytes, from: 0)
            case .closingAfterFlush, .lingering:
                break  // input after we decided to close is discarded
            }
            flush(connection)
        }
    }

    /// Sends what `connection` produced into the cork buffer, behind anything still pending,
    /// with one `writev`. What the kernel does not take is kept in `pendingOutput` and
    /// EPOLLOUT is armed; a reader that lets that grow past the limit is dropped.
    func flush(_ connection: ClientConnection) {
        defer { cork.consume(cork.readableCount) }
        guard connections[connection.slot] === connection else { return }
        if connection.pendingOutput.isEmpty && cork.isEmpty {
            finishIfDrained(connection)
            return
        }
        let result = connection.pendingOutput.withUnsafeReadableBytes { pending in
            cork.withUnsafeReadableBytes { fresh in SystemCall.write(connection.fd, pending, fresh) }
        }
        switch result {
        case .failed:
            closeConnection(connection)
            return
        case .wouldBlock:
            keepUnwritten(connection, written: 0)
        case .transferred(let written):
            stats.add(.bytesSent, written)
            keepUnwritten(connection, written: written)
        }
        if connection.pendingOutput.readableCount > configuration.maxOutboundBytes {
            stats.add(.slowReadersClosed)
            logger.notice("closing a connection that stopped reading", metadata: [
                "peer": "\(connection.peer)", "queued_bytes": "\(connection.pendingOutput.readableCount)",
            ])
            closeConnection(connection)
            return
        }
        updateWriteInterest(connection)
        finishIfDrained(connection)
    }

    /// EPOLLOUT fired: push out what is pending.
    func flushPending(_ connection: ClientConnection) {
        flush(connection)
    }

    /// Moves the part of (pending + cork) that was not written into `pendingOutput`.
    private func keepUnwritten(_ connection: ClientConnection, written: Int) {
        var written = written
        let pendingCount = connection.pendingOutput.readableCount
        if pendingCount > 0 {
            let fromPending = min(written, pendingCount)
            connection.pendingOutput.consume(fromPending)
            written -= fromPending
        }
        let freshCount = cork.readableCount
        if written < freshCount {
            cork.withUnsafeReadableBytes { fresh in
                connection.pendingOutput.append(UnsafeRawBufferPointer(rebasing: fresh[written...]))
            }
        }
        if connection.pendingOutput.isEmpty {
            // Idle connections hold no output buffer (memory budget per connection).
            connection.pendingOutput.reset(keepingCapacityUpTo: 0)
        } else if connection.pendingOutput.readableCount * 2 < connection.pendingOutput.capacity / 2 {
            connection.pendingOutput.compact()
        }
    }

    private func updateWriteInterest(_ connection: ClientConnection) {
        let wants = !connection.pendingOutput.isEmpty
        guard wants != connection.wantsWritable else { return }
        connection.wantsWritable = wants
        try? epoll.modify(connection.fd, token: connection.token, interest: wants ? [.read, .write] : .read)
    }

    /// Closes a connection whose last bytes are out and which asked to close after flushing.
    private func finishIfDrained(_ connection: ClientConnection) {
        if connection.phase == .closingAfterFlush && connection.pendingOutput.isEmpty {
            // Half-close first so the peer sees our last bytes before the FIN (RFC 6455 §7.1.1:
            // the server closes the TCP connection first).
            shutdown(connection.fd, Int32(SHUT_WR))
            connection.phase = .lingering
            connection.deadlineMs = nowMs + Self.lingerMs
        }
    }
}
