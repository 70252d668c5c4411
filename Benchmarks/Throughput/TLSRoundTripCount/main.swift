// Instructions and mallocs per TLS round trip on the server side, for callgrind.
//
// A server `TLSSession` (LoopKit) and a client one, connected through memory in this process:
// per round the client encrypts one request (an `activity` frame's size), the server takes the
// ciphertext in, decrypts it, encrypts one reply (a `flow` frame's size) and drains it into a
// cork, as the event loop does per message at C=100 P=1; the client decrypts the reply. Only
// the server's half (`serverTurn`) is counted: run callgrind with
// `--toggle-collect='*serverTurn*'` and two round counts, and divide the difference, so the
// handshake, the warm-up and the process start cancel out.
//
//     swift build -c release --product TLSRoundTripCount
//     openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem \
//         -out cert.pem -subj /CN=localhost -days 2
//     valgrind --tool=callgrind --toggle-collect='*serverTurn*' --callgrind-out-file=/tmp/tls-1000 \
//         .build/release/TLSRoundTripCount cert.pem key.pem 1000
//     valgrind … --callgrind-out-file=/tmp/tls-3000 .build/release/TLSRoundTripCount cert.pem key.pem 3000
//     # instructions per server round trip = (Ir of 3000 − Ir of 1000) ÷ 2000
//
// The server's path: ciphertext lent from the loop's buffer (`lendCiphertext`, no copy),
// records appended straight to the cork (`writePlaintext(_:appendingCiphertextTo:)`), and
// the server's TLS 1.3 suite order with server preference (AES-128-GCM for a default client).
// BENCH_COPY_PATH=1 copies instead (`receivedCiphertext`, `writePlaintext`, `drainCiphertext`).
//
// Mallocs: with the malloc-counting interposer preloaded (Tests/MallocCounter, as built by
// scripts/check-allocations.sh) it prints the server's mallocs per round trip once warm.
// The server context uses the server's modes (RELEASE_BUFFERS, ACCEPT_MOVING_WRITE_BUFFER);
// Variants, by environment: BENCH_KEEP_BUFFERS=1 leaves RELEASE_BUFFERS off (what keeping
// OpenSSL's record buffers between records saves); BENCH_CIPHERSUITES=… sets the client's
// TLS 1.3 suites (e.g. TLS_AES_128_GCM_SHA256); BENCH_TLS12=1 caps the client at TLS 1.2;
// BENCH_NO_REVIEW=1 never reviews buffer retention; BENCH_PROVIDER_AEAD=1 leaves the AEADs to
// OpenSSL 3.0's providers (the server installs `BuiltInRecordCiphers` by default);
// BENCH_CONNECTIONS=100 serves 100 connections in turn (cold state, as at C=100; add --cache-sim=yes for cache misses).
import CBenchOpenSSL
import Glibc
import LoopKit
import WSProtocol

/// A bare `SSL_CTX` owner for the sessions.
final class BenchContext: TLSContextProviding, @unchecked Sendable {
    // @unchecked Sendable: one thread (main) creates and uses it.
    let sslContext: OpaquePointer

    init(server: (certificate: String, key: String)?) {
        guard let method = server == nil ? TLS_client_method() : TLS_server_method(),
            let context = SSL_CTX_new(method)
        else { fatalError("SSL_CTX_new failed") }
        if let server {
            guard SSL_CTX_use_certificate_chain_file(context, server.certificate) == 1,
                SSL_CTX_use_PrivateKey_file(context, server.key, SSL_FILETYPE_PEM) == 1
            else { fatalError("cannot load \(server.certificate) / \(server.key)") }
            let release = getenv("BENCH_KEEP_BUFFERS") == nil ? Int(SSL_MODE_RELEASE_BUFFERS) : 0
            _ = fc_bench_SSL_CTX_set_mode(context, release | Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
            // The server's suite policy (TLSConfiguration.defaultTLS13CipherSuites).
            _ = SSL_CTX_set_options(context, fc_bench_SSL_OP_CIPHER_SERVER_PREFERENCE | fc_bench_SSL_OP_PRIORITIZE_CHACHA)
            _ = SSL_CTX_set_ciphersuites(
                context, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256")
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
            if let suites = getenv("BENCH_CIPHERSUITES") { _ = SSL_CTX_set_ciphersuites(context, suites) }
            if getenv("BENCH_TLS12") != nil { _ = fc_bench_SSL_CTX_set_max_proto_version(context, TLS1_2_VERSION) }
        }
        sslContext = context
    }

    deinit { SSL_CTX_free(sslContext) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 4, let rounds = Int(arguments[3]) else {
    print("usage: TLSRoundTripCount CERT.pem KEY.pem ROUNDS [REQUEST_BYTES REPLY_BYTES]")
    exit(2)
}
/// Sizes of an `activity` frame and of its `flow` answer in the soak's coaching workload
/// (bytes sent ÷ activities, bytes received ÷ messages of a C=100 run).
let requestBytes = arguments.count > 4 ? Int(arguments[4]) ?? 315 : 315
let replyBytes = arguments.count > 5 ? Int(arguments[5]) ?? 309 : 309

/// The event loop's buffers, shared by every connection as in the server.
final class LoopBuffers {
    let plaintextBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    /// What the loop reads from the socket lands in a loop buffer: the server's ciphertext in.
    let cipherBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    var toServer = ByteWriter(capacity: 64 << 10)
    var serverCork = ByteWriter(capacity: 64 << 10)
}

/// One connection: both ends and the two "sockets" (ciphertext in flight).
final class RoundTrips {
    var server: TLSSession
    var client: TLSSession
    let loop: LoopBuffers
    var plaintextBuffer: UnsafeMutableRawBufferPointer { loop.plaintextBuffer }
    var cipherBuffer: UnsafeMutableRawBufferPointer { loop.cipherBuffer }
    let request: [UInt8]
    let reply: [UInt8]
    let mallocCount: CountFunction? = dlsym(nil, "fe_malloc_thread_count")
        .map { unsafeBitCast($0, to: CountFunction.self) }

    init(
        serverContext: BenchContext, clientContext: BenchContext, loop: LoopBuffers, requestBytes: Int, replyBytes: Int
    ) throws(TLSError) {
        server = try TLSSession(context: serverContext)
        client = try TLSSession(clientContext: clientContext, serverName: "localhost")
        self.loop = loop
        request = [UInt8](repeating: UInt8(ascii: "a"), count: requestBytes)
        reply = [UInt8](repeating: UInt8(ascii: "f"), count: replyBytes)
    }

    /// Decrypts everything `session` can yield now; returns the plaintext byte count.
    func readAll(_ session: inout TLSSession) -> Int {
        var total = 0
        while case .bytes(let count) = session.readPlaintext(into: plaintextBuffer) { total += count }
        return total
    }

    /// The server's share of one message, as the event loop runs it: ciphertext read from
    /// the socket into the loop's buffer, handed to the session, every record decrypted, the
    /// reply encrypted and drained into the cork (which `writev` would send).
    @inline(never)
    func serverTurn(ciphertextCount: Int, answer: Bool) -> Int {
        let ciphertext = UnsafeRawBufferPointer(rebasing: cipherBuffer[0..<ciphertextCount])
        if copies {
            server.receivedCiphertext(ciphertext)
        } else {
            server.lendCiphertext(ciphertext)
        }
        let received = readAll(&server)
        if !copies { server.endCiphertextLoan() }
        if answer, received > 0 {
            if copies {
                _ = reply.withUnsafeBytes { server.writePlaintext($0) }
            } else {
                _ = reply.withUnsafeBytes { server.writePlaintext($0, appendingCiphertextTo: &loop.serverCork) }
            }
        }
        server.drainCiphertext(into: &loop.serverCork)
        return received
    }

    /// BENCH_COPY_PATH=1: ciphertext copied into the session and records drained from it.
    let copies = getenv("BENCH_COPY_PATH") != nil

    /// Moves the client's ciphertext into the server's read buffer (the socket's job).
    func deliverToServer() -> Int {
        client.drainCiphertext(into: &loop.toServer)
        let count = loop.toServer.readableCount
        loop.toServer.withUnsafeReadableBytes { cipherBuffer.copyMemory(from: $0) }
        loop.toServer.consume(count)
        return count
    }

    /// The server's cork to the client (the socket's job).
    func deliverToClient() {
        loop.serverCork.withUnsafeReadableBytes { client.receivedCiphertext($0) }
        loop.serverCork.consume(loop.serverCork.readableCount)
    }

    /// The client's flight, the server's answer, until both ends are done.
    func handshake() {
        _ = readAll(&client)
        for _ in 0..<8 where !(server.isHandshakeComplete && client.isHandshakeComplete) {
            _ = serverTurn(ciphertextCount: deliverToServer(), answer: false)
            deliverToClient()
            _ = readAll(&client)
        }
        guard server.isHandshakeComplete, client.isHandshakeComplete else { fatalError("handshake did not finish") }
        _ = serverTurn(ciphertextCount: deliverToServer(), answer: false)  // the client's Finished
        deliverToClient()
    }

    var roundTrips = 0
    /// BENCH_NO_REVIEW=1: never review, so the session frees its record buffers after every
    /// record (the policy before reviews).
    let skipsReviews = getenv("BENCH_NO_REVIEW") != nil

    /// One round trip; returns the server's mallocs during its turn (0 without the interposer).
    /// Every 64th reviews the server's buffer retention, as the server's 250 ms sweep does
    /// for a connection answering ~256 messages a second (C=100 P=1 runs at ~300).
    func roundTrip() -> UInt64 {
        roundTrips += 1
        if roundTrips % 64 == 0, !skipsReviews { server.reviewBufferRetention() }
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

typealias CountFunction = @convention(c) () -> UInt64

/// Connections served in turn (BENCH_CONNECTIONS, default 1): with 100, each session's state
/// and buffers are as cold as at C=100 P=1 (callgrind --cache-sim=yes counts the misses).
let connectionCount = getenv("BENCH_CONNECTIONS").flatMap { Int(String(cString: $0)) } ?? 1
let loopBuffers = LoopBuffers()
var trips: [RoundTrips] = []
do {
    // As the server's TLSContext does, unless BENCH_PROVIDER_AEAD is set (OpenSSL's providers).
    if getenv("BENCH_PROVIDER_AEAD") == nil { print("record ciphers: \(BuiltInRecordCiphers.install())") }
    let serverContext = BenchContext(server: (arguments[1], arguments[2]))
    let clientContext = BenchContext(server: nil)
    for _ in 0..<connectionCount {
        trips.append(try RoundTrips(
            serverContext: serverContext, clientContext: clientContext, loop: loopBuffers,
            requestBytes: requestBytes, replyBytes: replyBytes))
    }
} catch {
    fatalError("TLSSession: \(error)")
}
for connection in trips { connection.handshake() }
for index in 0..<(200 * connectionCount) { _ = trips[index % connectionCount].roundTrip() }  // warm-up
var mallocs: UInt64 = 0
for index in 0..<rounds { mallocs += trips[index % connectionCount].roundTrip() }
if trips[0].mallocCount != nil {
    print("server mallocs per round trip: \(Double(mallocs) / Double(rounds)) (\(mallocs) in \(rounds))")
}
print("\(rounds) round trips of \(requestBytes) → \(replyBytes) bytes over \(connectionCount) connection(s)")
