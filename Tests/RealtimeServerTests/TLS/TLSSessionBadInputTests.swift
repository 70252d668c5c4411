@testable import CoachingCore
import COpenSSL
import LoopKit
import RealtimeServer
import Testing
import WSProtocol

/// Hostile and broken input: every case ends in a typed failure (or a quiet close),
/// never a crash, and nothing is decrypted.
struct TLSSessionBadInputTests {
    let pki: TLSTestPKI

    init() throws {
        pki = try TLSTestPKI.shared.get()
    }

    func makeServer() throws -> TLSServerHarness {
        let context = try TLSContext(
            configuration: TLSConfiguration(
                certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey))
        return try TLSServerHarness(context: context)
    }

    @Test("a plaintext HTTP request is reported as such and answered with a cleartext 400",
          arguments: ["GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", "POST /v1 HTTP/1.1\r\n", "OPTIONS * HTTP/1.1\r\n", "H"])
    func plaintextHTTP(request: String) throws {
        let server = try makeServer()
        server.receive(Array(request.utf8))
        #expect(server.lastRead == .failed(.plaintextHTTPRequest))
        #expect(TLSError.plaintextHTTPRequest.description == "plaintext HTTP request on a TLS port")
        let reply = String(decoding: server.takeOutput(), as: UTF8.self)
        #expect(reply.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(reply.contains("Connection: close\r\n"))
        // Later bytes are discarded and the answer is sent once.
        server.receive(Array("more".utf8))
        #expect(server.takeOutput().isEmpty)
        #expect(server.received.isEmpty)
    }

    @Test("a truncated ClientHello followed by EOF fails with unexpectedEOF")
    func truncatedClientHello() throws {
        let server = try makeServer()
        let client = TLSTestClient(TLSTestClient.Options(trustRoots: pki.caCertificate))
        client.step()
        let hello = client.takeOutput()
        try #require(hello.count > 40)
        server.receive(Array(hello.prefix(hello.count / 2)))
        #expect(server.lastRead == .wantMoreCiphertext)
        server.session?.receivedEndOfStream()
        server.readAll()
        #expect(server.lastRead == .failed(.unexpectedEOF))
    }

    @Test("EOF before any byte is a quiet close (a TCP health check), not an error")
    func eofBeforeAnyByte() throws {
        let server = try makeServer()
        server.session?.receivedEndOfStream()
        server.readAll()
        #expect(server.lastRead == .closed)
    }

    @Test("EOF after the handshake without close_notify is unexpectedEOF")
    func eofWithoutCloseNotify() throws {
        let server = try makeServer()
        let client = TLSTestClient(TLSTestClient.Options(trustRoots: pki.caCertificate))
        pump(client, server)
        try #require(server.session?.isHandshakeComplete == true)
        server.session?.receivedEndOfStream()
        server.readAll()
        #expect(server.lastRead == .failed(.unexpectedEOF))
    }

    @Test("garbage bytes fail the session with a typed error and decrypt nothing",
          arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func garbage(seed: UInt64) throws {
        var random = TLSSessionDataTests.Lcg(state: seed)
        for length in [1, 5, 6, 300, 20_000] {
            let server = try makeServer()
            var bytes = random.bytes(length)
            // Half the cases look like a TLS record header, to get past the first check.
            if seed % 2 == 0 && length >= 5 { bytes[0] = 0x16; bytes[1] = 0x03; bytes[2] = 0x01 }
            if bytes[0] >= 0x41 && bytes[0] <= 0x5A { bytes[0] = 0x80 }
            server.receive(bytes)
            server.session?.receivedEndOfStream()
            server.readAll()
            guard case .failed(let error) = server.lastRead else {
                Issue.record("garbage of \(length) bytes was not refused: \(server.lastRead)")
                continue
            }
            #expect(error != .sessionClosed && error != .plaintextHTTPRequest)
            #expect(server.received.isEmpty)
            #expect(server.session?.isHandshakeComplete == false)
        }
    }

    @Test("a known non-TLS record header fails the handshake with OpenSSL's reason")
    func wrongVersionNumber() throws {
        let server = try makeServer()
        server.receive([0x16, 0x09, 0x09, 0x00, 0x10] + [UInt8](repeating: 0, count: 16))
        #expect(server.lastRead == .failed(.handshakeFailed(reason: "wrong version number")))
    }

    @Test("a TLS 1.2 client's renegotiation is refused with no_renegotiation and the connection ends")
    func renegotiationRefused() throws {
        let server = try makeServer()
        var options = TLSTestClient.Options(trustRoots: pki.caCertificate)
        options.maximumVersion = TLS1_2_VERSION
        let client = TLSTestClient(options)
        pump(client, server)
        try #require(client.isHandshakeComplete)
        #expect(SSL_renegotiate(client.ssl) == 1)
        client.step()
        pump(client, server)
        #expect(client.failure?.reason.contains("no renegotiation") == true)
        guard case .failed(.protocolFailure(let reason)) = server.lastRead else {
            Issue.record("server did not fail the connection: \(server.lastRead)")
            return
        }
        // The client aborts on our no_renegotiation warning with a handshake_failure alert.
        // (OpenSSL 3 already refuses client-initiated renegotiation by default; the
        // context's SSL_OP_NO_RENEGOTIATION keeps it refused whatever the defaults.)
        #expect(reason == "sslv3 alert handshake failure")
    }

    @Test("a failed session keeps reporting the same failure and refuses writes")
    func failureIsSticky() throws {
        let server = try makeServer()
        server.receive([0x16, 0x09, 0x09, 0x00, 0x10] + [UInt8](repeating: 0, count: 16))
        let first = server.lastRead
        server.readAll()
        #expect(server.lastRead == first)
        #expect(server.write(Array("x".utf8)) == .failed(.handshakeFailed(reason: "wrong version number")))
    }
}
