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
// BENCH_NO_REVIEW=1 never reviews buffer retention; BENCH_OPENSSL_RECORDS=1 leaves the server's
// TLS 1.3 records to OpenSSL (by default they go through LoopKit's own record layer, as in
// the server); BENCH_PROVIDER_AEAD=1 leaves the AEADs to
// OpenSSL 3.0's providers (the server installs `BuiltInRecordCiphers` by default);
// BENCH_CONNECTIONS=100 serves 100 connections in turn (cold state, as at C=100; add
// --cache-sim=yes for cache misses). The connection driver is TLSRoundTrips.swift, linked
// from Tests/AllocationCheck, whose `tls-round-trip` mode CI counts.
import CBenchOpenSSL
import Glibc
import LoopKit
import WSProtocol

/// A bare `SSL_CTX` owner for the sessions.
final class BenchContext: TLSContextProviding, @unchecked Sendable {
    // @unchecked Sendable: one thread (main) creates and uses it.
    let sslContext: OpaquePointer
    /// The server's TLS 1.3 records through LoopKit's own record layer, as the server's
    /// context does by default; BENCH_OPENSSL_RECORDS=1 leaves them to OpenSSL.
    let offloadsTLS13Records: Bool

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
            // No session tickets, as the server (TLSContext): a session takes its records
            // over only when OpenSSL wrote none after the handshake.
            _ = SSL_CTX_set_num_tickets(context, 0)
            _ = SSL_CTX_set_ciphersuites(
                context, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256")
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
            if let suites = getenv("BENCH_CIPHERSUITES") { _ = SSL_CTX_set_ciphersuites(context, suites) }
            if getenv("BENCH_TLS12") != nil { _ = fc_bench_SSL_CTX_set_max_proto_version(context, TLS1_2_VERSION) }
        }
        offloadsTLS13Records = server != nil && getenv("BENCH_OPENSSL_RECORDS") == nil
        if offloadsTLS13Records { TLSSession.captureTrafficSecrets(of: context) }
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

typealias CountFunction = @convention(c) () -> UInt64

/// Connections served in turn (BENCH_CONNECTIONS, default 1): with 100, each session's state
/// and buffers are as cold as at C=100 P=1 (callgrind --cache-sim=yes counts the misses).
let connectionCount = getenv("BENCH_CONNECTIONS").flatMap { Int(String(cString: $0)) } ?? 1
let loopBuffers = TLSLoopBuffers()
var options = TLSRoundTrips.Options()
options.requestBytes = requestBytes
options.replyBytes = replyBytes
options.copies = getenv("BENCH_COPY_PATH") != nil
options.reviews = getenv("BENCH_NO_REVIEW") == nil
let mallocCount: CountFunction? = dlsym(nil, "fe_malloc_thread_count").map { unsafeBitCast($0, to: CountFunction.self) }
var trips: [TLSRoundTrips] = []
do {
    // As the server's TLSContext does, unless BENCH_PROVIDER_AEAD is set (OpenSSL's providers).
    if getenv("BENCH_PROVIDER_AEAD") == nil { print("record ciphers: \(BuiltInRecordCiphers.install())") }
    let serverContext = BenchContext(server: (arguments[1], arguments[2]))
    let clientContext = BenchContext(server: nil)
    for _ in 0..<connectionCount {
        trips.append(try TLSRoundTrips(
            serverContext: serverContext, clientContext: clientContext, loop: loopBuffers, options: options,
            mallocCount: mallocCount))
    }
} catch {
    fatalError("TLSSession: \(error)")
}
for connection in trips { connection.handshake() }
for index in 0..<(200 * connectionCount) { _ = trips[index % connectionCount].roundTrip() }  // warm-up
var mallocs: UInt64 = 0
for index in 0..<rounds { mallocs += trips[index % connectionCount].roundTrip() }
if mallocCount != nil {
    print("server mallocs per round trip: \(Double(mallocs) / Double(rounds)) (\(mallocs) in \(rounds))")
}
print("\(rounds) round trips of \(requestBytes) → \(replyBytes) bytes over \(connectionCount) connection(s)")
