// `flowcoach-alloc-check tls-round-trip CERT.pem KEY.pem ROUNDS`: the server's TLS work per
// message at C=100 P=1, for callgrind (`--toggle-collect='*serverTLSTurn*'`, the difference
// of two round counts ÷ their difference; scripts/check-instructions.sh guards it in CI).
//
// A server `TLSSession` and a client one, connected through memory, the server set up as
// the event loop's: the record ciphers dispatched as `TLSContext` installs them
// (`BuiltInRecordCiphers`), AES-128-GCM chosen by the server's order, record buffers
// released and kept busy sessions' by a review every 64 messages (the sweep's policy), the
// ciphertext lent from a loop buffer and the answer's records appended straight to a cork.
// Per round the client encrypts an `activity`-sized request (315 bytes); the server's turn
// decrypts it and encrypts a `flow`-sized reply (309 bytes). Benchmarks/Throughput/
// TLSRoundTripCount measures the variants (copying path, other suites, TLS 1.2, cold state).
import COpenSSL
import Glibc
import LoopKit
import WSProtocol

/// A bare `SSL_CTX` (server: the certificate and key, the server's modes and suite order;
/// client: no verification — the check measures records, not trust).
final class BareTLSContext: TLSContextProviding, @unchecked Sendable {
    // @unchecked Sendable: created and used on the main thread only.
    let sslContext: OpaquePointer

    init(certificate: String? = nil, key: String? = nil) {
        let server = certificate != nil
        guard let method = server ? TLS_server_method() : TLS_client_method(), let context = SSL_CTX_new(method) else {
            fatalError("SSL_CTX_new failed")
        }
        if let certificate, let key {
            guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1,
                SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1
            else { fatalError("cannot load \(certificate) / \(key)") }
            _ = fc_SSL_CTX_set_mode(context, Int(SSL_MODE_RELEASE_BUFFERS) | Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
            _ = SSL_CTX_set_options(context, fc_SSL_OP_CIPHER_SERVER_PREFERENCE | fc_SSL_OP_NO_TICKET)
            _ = SSL_CTX_set_num_tickets(context, 0)
            _ = SSL_CTX_set_ciphersuites(context, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256")
        }
        sslContext = context
    }

    deinit { SSL_CTX_free(sslContext) }
}

/// The two ends and the loop's buffers.
final class TLSRoundTrips {
    var server: TLSSession
    var client: TLSSession
    let plaintext = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    /// Where the loop's `read(2)` lands: the server's ciphertext, lent to its session.
    let ciphertext = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    var toServer = ByteWriter(capacity: 64 << 10)
    var cork = ByteWriter(capacity: 64 << 10)
    let request = [UInt8](repeating: UInt8(ascii: "a"), count: 315)
    let reply = [UInt8](repeating: UInt8(ascii: "f"), count: 309)
    var rounds = 0

    init(certificate: String, key: String) throws(TLSError) {
        server = try TLSSession(context: BareTLSContext(certificate: certificate, key: key))
        client = try TLSSession(clientContext: BareTLSContext(), serverName: "localhost")
    }

    deinit {
        plaintext.deallocate()
        ciphertext.deallocate()
    }

    func readAll(_ session: inout TLSSession) -> Int {
        var total = 0
        while case .bytes(let count) = session.readPlaintext(into: plaintext) { total += count }
        return total
    }

    /// The client's records, as the server's socket read would deliver them.
    func deliverToServer() -> Int {
        client.drainCiphertext(into: &toServer)
        let count = toServer.readableCount
        toServer.withUnsafeReadableBytes { ciphertext.copyMemory(from: $0) }
        toServer.consume(count)
        return count
    }

    func deliverToClient() {
        cork.withUnsafeReadableBytes { client.receivedCiphertext($0) }
        cork.consume(cork.readableCount)
    }

    /// The server's share of one message: lend, decrypt, answer into the cork.
    @inline(never)
    func serverTLSTurn(count: Int, answer: Bool) -> Int {
        server.lendCiphertext(UnsafeRawBufferPointer(rebasing: ciphertext[0..<count]))
        let received = readAll(&server)
        server.endCiphertextLoan()
        if answer, received > 0 {
            _ = reply.withUnsafeBytes { server.writePlaintext($0, appendingCiphertextTo: &cork) }
        }
        server.drainCiphertext(into: &cork)
        return received
    }

    func handshake() {
        _ = readAll(&client)
        for _ in 0..<8 where !(server.isHandshakeComplete && client.isHandshakeComplete) {
            _ = serverTLSTurn(count: deliverToServer(), answer: false)
            deliverToClient()
            _ = readAll(&client)
        }
        guard server.isHandshakeComplete, client.isHandshakeComplete else { fatalError("the TLS handshake did not finish") }
        _ = serverTLSTurn(count: deliverToServer(), answer: false)  // the client's Finished
        deliverToClient()
    }

    func roundTrip() {
        rounds += 1
        if rounds % 64 == 0 { server.reviewBufferRetention() }
        _ = request.withUnsafeBytes { client.writePlaintext($0) }
        guard serverTLSTurn(count: deliverToServer(), answer: true) == request.count else { fatalError("the server decrypted too little") }
        deliverToClient()
        guard readAll(&client) == reply.count else { fatalError("the client did not get the reply") }
    }
}

/// The `tls-round-trip` mode: 1,000 warm-up rounds, then `count` more.
func runTLSRoundTrips(certificate: String, key: String, count: Int) {
    print("record ciphers: \(BuiltInRecordCiphers.install())")
    do {
        let trips = try TLSRoundTrips(certificate: certificate, key: key)
        trips.handshake()
        for _ in 0..<(1_000 + count) { trips.roundTrip() }
        print("tls-round-trip: \(count) round trips after 1000 warm-up ones")
    } catch {
        print("error: \(error)")
        exit(1)
    }
}
