@testable import CoachingCore
import COpenSSL
import LoopKit
import RealtimeServer
import Testing

/// Full handshakes between ``TLSTestClient`` and ``TLSSession`` in memory.
struct TLSSessionHandshakeTests {
    let pki: TLSTestPKI

    init() throws {
        pki = try TLSTestPKI.shared.get()
    }

    func makeContext(rsa: Bool = false) throws -> TLSContext {
        try TLSContext(
            configuration: TLSConfiguration(
                certificateChainPath: rsa ? pki.rsaServerCertificate : pki.serverCertificate,
                privateKeyPath: rsa ? pki.rsaServerKey : pki.serverKey))
    }

    func clientOptions() -> TLSTestClient.Options {
        TLSTestClient.Options(trustRoots: pki.caCertificate)
    }

    @Test("a TLS 1.3 client verifying the chain and the hostname completes the handshake with ALPN http/1.1",
          arguments: [false, true])
    func tls13Handshake(rsa: Bool) throws {
        let server = try TLSServerHarness(context: try makeContext(rsa: rsa))
        let client = TLSTestClient(clientOptions())
        #expect(server.session?.isHandshakeComplete == false)
        pump(client, server)
        #expect(client.failure == nil)
        #expect(client.isHandshakeComplete)
        #expect(client.verifyResult == Int(X509_V_OK))
        #expect(server.session?.isHandshakeComplete == true)
        #expect(server.session?.protocolVersion == .tls13)
        #expect(server.session?.negotiatedALPN == "http/1.1")
        #expect(server.session?.negotiatedCipher?.hasPrefix("TLS_") == true)
        #expect(server.lastRead == .wantMoreCiphertext)
    }

    @Test("a client verifying the IP address 127.0.0.1 accepts the certificate's IP SAN")
    func ipAddressSAN() throws {
        let server = try TLSServerHarness(context: try makeContext())
        var options = clientOptions()
        options.hostname = nil
        options.ipAddress = "127.0.0.1"
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(client.failure == nil)
        #expect(client.isHandshakeComplete)
    }

    @Test("a TLS 1.2 client negotiates an ECDHE AEAD suite", arguments: [false, true])
    func tls12Handshake(rsa: Bool) throws {
        let server = try TLSServerHarness(context: try makeContext(rsa: rsa))
        var options = clientOptions()
        options.maximumVersion = TLS1_2_VERSION
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(client.failure == nil)
        #expect(server.session?.protocolVersion == .tls12)
        let cipher = server.session?.negotiatedCipher ?? ""
        #expect(cipher.hasPrefix("ECDHE-"))
        #expect(cipher.contains("GCM") || cipher.contains("CHACHA20"))
    }

    @Test("the handshake completes when every ciphertext byte arrives in its own read")
    func oneByteReads() throws {
        let server = try TLSServerHarness(context: try makeContext())
        server.chunkSizes = [1]
        let client = TLSTestClient(clientOptions())
        pump(client, server)
        #expect(client.isHandshakeComplete)
        #expect(server.session?.isHandshakeComplete == true)
    }

    @Test("a client that trusts another CA fails verification and the server sees its alert")
    func wrongCA() throws {
        let server = try TLSServerHarness(context: try makeContext())
        let client = TLSTestClient(TLSTestClient.Options(trustRoots: pki.otherCACertificate))
        pump(client, server)
        #expect(client.isHandshakeComplete == false)
        #expect(client.verifyResult == Int(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY))
        guard case .failed(.handshakeFailed(let reason)) = server.lastRead else {
            Issue.record("server did not fail the handshake: \(server.lastRead)")
            return
        }
        #expect(reason.contains("unknown ca"))
    }

    @Test("a client expecting another hostname fails verification")
    func wrongHostname() throws {
        let server = try TLSServerHarness(context: try makeContext())
        var options = clientOptions()
        options.hostname = "example.org"
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(client.isHandshakeComplete == false)
        #expect(client.verifyResult == Int(X509_V_ERR_HOSTNAME_MISMATCH))
    }

    @Test("a TLS 1.1 client is refused with protocol_version")
    func tls11Refused() throws {
        let server = try TLSServerHarness(context: try makeContext())
        var options = clientOptions()
        options.minimumVersion = TLS1_1_VERSION
        options.maximumVersion = TLS1_1_VERSION
        options.tls12CipherList = "DEFAULT:@SECLEVEL=0"
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(client.isHandshakeComplete == false)
        #expect(server.lastRead == .failed(.handshakeFailed(reason: "unsupported protocol")))
        #expect(client.failure?.reason.contains("protocol version") == true)
    }

    @Test("a TLS 1.2 client offering only CBC suites is refused: no shared cipher")
    func noSharedCipher() throws {
        let server = try TLSServerHarness(context: try makeContext())
        var options = clientOptions()
        options.maximumVersion = TLS1_2_VERSION
        options.tls12CipherList = "ECDHE-ECDSA-AES128-SHA:AES128-SHA"
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(server.lastRead == .failed(.handshakeFailed(reason: "no shared cipher")))
        #expect(TLSError.handshakeFailed(reason: "no shared cipher").description == "handshake failed: no shared cipher")
    }

    @Test("RFC 7301 §3.2: a client offering only h2 gets a fatal no_application_protocol alert")
    func alpnWithoutOverlap() throws {
        let server = try TLSServerHarness(context: try makeContext())
        var options = clientOptions()
        options.alpn = ["h2"]
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(client.isHandshakeComplete == false)
        #expect(client.failure?.reason.contains("no application protocol") == true)
        guard case .failed(.handshakeFailed) = server.lastRead else {
            Issue.record("expected a failed handshake, got \(server.lastRead)")
            return
        }
    }

    @Test("ALPN picks http/1.1 from a list that prefers h2; no ALPN offer is served without ALPN",
          arguments: [["h2", "http/1.1"], []])
    func alpnChoice(offer: [String]) throws {
        let server = try TLSServerHarness(context: try makeContext())
        var options = clientOptions()
        options.alpn = offer
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(client.isHandshakeComplete)
        #expect(server.session?.negotiatedALPN == (offer.isEmpty ? nil : "http/1.1"))
    }

    @Test("plaintext written before the handshake completes is queued and delivered after it")
    func earlyWriteIsQueued() throws {
        let server = try TLSServerHarness(context: try makeContext())
        let greeting = Array("hello before handshake".utf8)
        #expect(server.write(greeting) == .queued)
        #expect(server.session?.pendingPlaintextCount == greeting.count)
        let client = TLSTestClient(clientOptions())
        pump(client, server)
        #expect(server.session?.pendingPlaintextCount == 0)
        #expect(client.received == greeting)
    }

    @Test("session resumption is off: the client gets neither a ticket nor a resumable session id",
          arguments: [TLS1_2_VERSION, TLS1_3_VERSION])
    func noResumption(maximumVersion: Int32) throws {
        let server = try TLSServerHarness(context: try makeContext())
        var options = clientOptions()
        options.maximumVersion = maximumVersion
        let client = TLSTestClient(options)
        pump(client, server)
        // Data both ways, so a TLS 1.3 NewSessionTicket would have been read.
        client.write([1])
        #expect(server.write([2]) == .written)
        pump(client, server)
        #expect(client.received == [2])
        let session = try #require(SSL_get_session(client.ssl))
        #expect(SSL_SESSION_is_resumable(session) == 0)
    }

    @Test("a context configured without ALPN names ignores the client's ALPN offer")
    func noALPNConfigured() throws {
        var configuration = TLSConfiguration(
            certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey)
        configuration.applicationProtocols = []
        let server = try TLSServerHarness(context: try TLSContext(configuration: configuration))
        var options = clientOptions()
        options.alpn = ["h2"]
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(client.isHandshakeComplete)
        #expect(server.session?.negotiatedALPN == nil)
    }
}
