import Glibc
import LoopKit
import WSProtocol

/// `wss://` for `SoakLoop`, with LoopKit's `TLSSession` over memory BIOs — the session the
/// server runs, in the client role. Ciphertext is read into the loop's `cipherBuffer`,
/// decrypted into `readBuffer` and handed to the same `received` path as plaintext input;
/// a connection's plaintext `output` is encrypted into its `ciphertext` and written from
/// there, once per loop iteration like plaintext output.
extension SoakLoop {
    /// Creates the session right after the TCP connect and queues the ClientHello; the
    /// upgrade request follows once the handshake is complete.
    func startTLS(_ connection: SoakConnection, context: TLSClientContext) {
        do {
            connection.tls = try TLSSession(clientContext: context, serverName: context.host)
        } catch {
            connectFailed(connection, "TLS: \(error)")
            return
        }
        connection.phase = .tlsHandshake
        decryptAvailable(connection)
    }

    /// Up to eight reads of ciphertext per readiness event (as for plaintext), each followed
    /// by every record the session can decrypt.
    func readableTLS(_ connection: SoakConnection) {
        for _ in 0..<8 {
            guard connection.fd >= 0 else { return }
            let count: Int
            switch SystemCall.receive(connection.fd, into: cipherBuffer) {
            case .transferred(0):
                count = 0
                connection.tls?.receivedEndOfStream()
            case .transferred(let n):
                count = n
                connection.tls?.receivedCiphertext(UnsafeRawBufferPointer(rebasing: cipherBuffer[0..<n]))
            case .wouldBlock:
                return
            case .failed(let code):
                lost(connection, "read: \(String(cString: strerror(code)))")
                return
            }
            decryptAvailable(connection)
            if count < cipherBuffer.count { return }
        }
    }

    /// Every plaintext record the session yields now, through `received`. Sends the upgrade
    /// request once the handshake completes, and marks the connection dirty when the session
    /// has handshake messages or alerts to send.
    func decryptAvailable(_ connection: SoakConnection) {
        // One record is at least one byte of the 64 KiB just read: 1024 rounds cover it.
        for _ in 0..<1024 {
            guard connection.fd >= 0, let result = connection.tls?.readPlaintext(into: readBuffer) else { return }
            switch result {
            case .bytes(let count):
                counters.bytesReceived += Int64(count)
                received(connection, count)
            case .wantMoreCiphertext:
                if connection.phase == .tlsHandshake, connection.tls?.isHandshakeComplete == true { sendUpgrade(connection) }
                if connection.tls?.hasBytesToDrain == true { markDirty(connection) }
                return
            case .closed:
                lost(connection, "server closed the TLS connection")
                return
            case .failed(let error):
                lost(connection, "TLS: \(error)")
                return
            }
        }
    }

    /// Encrypts the pending plaintext and writes the ciphertext the socket takes; the rest
    /// stays in `ciphertext` with EPOLLOUT armed.
    func flushTLS(_ connection: SoakConnection) {
        if !connection.output.isEmpty {
            let plaintextCount = connection.output.readableCount
            let result = connection.output.withUnsafeReadableBytes { connection.tls?.writePlaintext($0) }
            connection.output.consume(plaintextCount)
            if connection.output.capacity > 64 * 1024 { connection.output.reset(keepingCapacityUpTo: 4096) }
            if case .failed(let error)? = result {
                lost(connection, "TLS: \(error)")
                return
            }
            counters.bytesSent += Int64(plaintextCount)
        }
        connection.tls?.drainCiphertext(into: &connection.ciphertext)
        let (_, outcome) = Self.drain(&connection.ciphertext, to: connection.fd)
        guard socketTookEverything(connection, outcome) else { return }
        setInterest(connection, write: false)
        if connection.ciphertext.capacity > 64 * 1024 { connection.ciphertext.reset(keepingCapacityUpTo: 4096) }
    }
}
