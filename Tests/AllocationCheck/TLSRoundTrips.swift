// One TLS connection through memory, the server's half run as the event loop runs it: the
// server's TLS work per message for callgrind (`--toggle-collect='*serverTurn*'`). Shared by
// `flowcoach-alloc-check tls-round-trip` (TLSRoundTripCheck.swift; its count is a CI budget)
// and Benchmarks/Throughput/TLSRoundTripCount (which links this file and adds variants).
//
// Per round the client encrypts a request (an `activity` frame's size by default); the
// server's turn takes the ciphertext from a loop buffer (lent to the session, no copy),
// decrypts every record, encrypts the reply (a `flow` frame's size) with its records
// appended straight to the loop's cork, and drains what else waits; the client decrypts
// the reply. Every 64th round reviews the server's buffer retention, as the sweep does for
// a connection answering a few hundred messages a second.
import LoopKit
import WSProtocol

/// The event loop's buffers, shared by every connection as in the server.
final class TLSLoopBuffers {
    let plaintext = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    /// Where the loop's `read(2)` lands: the server's ciphertext in.
    let ciphertext = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    var toServer = ByteWriter(capacity: 64 << 10)
    var cork = ByteWriter(capacity: 64 << 10)

    deinit {
        plaintext.deallocate()
        ciphertext.deallocate()
    }
}

/// One connection: both ends and the two "sockets" (ciphertext in flight).
final class TLSRoundTrips {
    struct Options {
        var requestBytes = 315
        var replyBytes = 309
        /// The soak client's path instead of the server's: ciphertext copied into the
        /// session, records drained from it.
        var copies = false
        /// Review buffer retention every 64th round (the sweep's policy).
        var reviews = true
    }

    var server: TLSSession
    var client: TLSSession
    let loop: TLSLoopBuffers
    let options: Options
    let request: [UInt8]
    let reply: [UInt8]
    /// The malloc interposer's per-thread count, when it is preloaded.
    let mallocCount: (@convention(c) () -> UInt64)?
    private var rounds = 0

    init(
        serverContext: any TLSContextProviding, clientContext: any TLSContextProviding, loop: TLSLoopBuffers,
        options: Options = Options(), mallocCount: (@convention(c) () -> UInt64)? = nil
    ) throws(TLSError) {
        server = try TLSSession(context: serverContext)
        client = try TLSSession(clientContext: clientContext, serverName: "localhost")
        self.loop = loop
        self.options = options
        self.mallocCount = mallocCount
        request = [UInt8](repeating: UInt8(ascii: "a"), count: options.requestBytes)
        reply = [UInt8](repeating: UInt8(ascii: "f"), count: options.replyBytes)
    }

    /// Decrypts everything `session` can yield now; returns the plaintext byte count.
    func readAll(_ session: inout TLSSession) -> Int {
        var total = 0
        while case .bytes(let count) = session.readPlaintext(into: loop.plaintext) { total += count }
        return total
    }

    /// The server's share of one message (see the file's comment).
    @inline(never)
    func serverTurn(ciphertextCount: Int, answer: Bool) -> Int {
        let ciphertext = UnsafeRawBufferPointer(rebasing: loop.ciphertext[0..<ciphertextCount])
        if options.copies {
            server.receivedCiphertext(ciphertext)
        } else {
            server.lendCiphertext(ciphertext)
        }
        let received = readAll(&server)
        if !options.copies { server.endCiphertextLoan() }
        if answer, received > 0 {
            if options.copies {
                _ = reply.withUnsafeBytes { server.writePlaintext($0) }
            } else {
                _ = reply.withUnsafeBytes { server.writePlaintext($0, appendingCiphertextTo: &loop.cork) }
            }
        }
        server.drainCiphertext(into: &loop.cork)
        return received
    }

    /// Moves the client's ciphertext into the loop's read buffer (the socket's job).
    func deliverToServer() -> Int {
        client.drainCiphertext(into: &loop.toServer)
        let count = loop.toServer.readableCount
        loop.toServer.withUnsafeReadableBytes { loop.ciphertext.copyMemory(from: $0) }
        loop.toServer.consume(count)
        return count
    }

    /// The server's cork to the client (the socket's job).
    func deliverToClient() {
        loop.cork.withUnsafeReadableBytes { client.receivedCiphertext($0) }
        loop.cork.consume(loop.cork.readableCount)
    }

    /// The client's flight, the server's answer, until both ends are done.
    func handshake() {
        _ = readAll(&client)
        for _ in 0..<8 where !(server.isHandshakeComplete && client.isHandshakeComplete) {
            _ = serverTurn(ciphertextCount: deliverToServer(), answer: false)
            deliverToClient()
            _ = readAll(&client)
        }
        guard server.isHandshakeComplete, client.isHandshakeComplete else { fatalError("the TLS handshake did not finish") }
        _ = serverTurn(ciphertextCount: deliverToServer(), answer: false)  // the client's Finished
        deliverToClient()
    }

    /// One round trip; returns the server's mallocs during its turn (0 without the interposer).
    func roundTrip() -> UInt64 {
        rounds += 1
        if rounds % 64 == 0, options.reviews { server.reviewBufferRetention() }
        _ = request.withUnsafeBytes { client.writePlaintext($0) }
        let count = deliverToServer()
        let before = mallocCount?() ?? 0
        let received = serverTurn(ciphertextCount: count, answer: true)
        let mallocs = (mallocCount?() ?? 0) - before
        precondition(received == request.count, "the server decrypted \(received) bytes")
        deliverToClient()
        precondition(readAll(&client) == reply.count, "the client did not get the reply")
        return mallocs
    }
}
