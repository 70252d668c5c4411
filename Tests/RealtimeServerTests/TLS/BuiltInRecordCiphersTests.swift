@testable import CoachingCore
import COpenSSL
import LoopKit
import RealtimeServer
import Testing

/// AES-GCM and ChaCha20-Poly1305 records through libcrypto's built-in implementations
/// (``BuiltInRecordCiphers``): installed by the first server context on OpenSSL 3.0, and
/// records still encrypt, authenticate and rekey as before.
struct BuiltInRecordCiphersTests {
    let pki: TLSTestPKI

    init() throws {
        pki = try TLSTestPKI.shared.get()
    }

    /// A handshake over a server context with the default configuration (which installs
    /// the dispatch), the client offering `suites` (TLS 1.3) or `tls12List` (TLS 1.2 only).
    func connected(suites: String? = nil, tls12List: String? = nil) throws -> (TLSTestClient, TLSServerHarness) {
        let context = try TLSContext(
            configuration: TLSConfiguration(certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey))
        let server = try TLSServerHarness(context: context)
        var options = TLSTestClient.Options(trustRoots: pki.caCertificate)
        options.tls13CipherSuites = suites
        if let tls12List {
            options.maximumVersion = TLS1_2_VERSION
            options.tls12CipherList = tls12List
        }
        let client = TLSTestClient(options)
        pump(client, server)
        try #require(client.isHandshakeComplete && server.session?.isHandshakeComplete == true)
        return (client, server)
    }

    static let cases: [(suites: String?, tls12List: String?, cipher: String)] = [
        ("TLS_AES_128_GCM_SHA256", nil, "TLS_AES_128_GCM_SHA256"),
        ("TLS_AES_256_GCM_SHA384", nil, "TLS_AES_256_GCM_SHA384"),
        ("TLS_CHACHA20_POLY1305_SHA256", nil, "TLS_CHACHA20_POLY1305_SHA256"),
        (nil, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", "AES128-GCM"),
        (nil, "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384", "AES256-GCM"),
        (nil, "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305", "CHACHA20-POLY1305"),
    ]

    @Test("on OpenSSL 3.0 outside FIPS mode a server context installs it as the default of all three AEADs")
    func installedByTheContext() throws {
        _ = try connected()
        let version = OpenSSL_version_num()
        guard version >= 0x3000_0000 && version < 0x3010_0000, EVP_default_properties_is_fips_enabled(nil) == 0 else {
            #expect(BuiltInRecordCiphers.install() == .notApplicable)
            return
        }
        #expect(BuiltInRecordCiphers.install() == .installed)
        #expect(fc_builtin_record_ciphers_are_default() == 1)
    }

    @Test("records cross both ways before and after a KeyUpdate each way (TLS 1.3), for each AEAD suite",
          arguments: cases)
    func roundTripsAndRekeying(suites: String?, tls12List: String?, cipher: String) throws {
        let (client, server) = try connected(suites: suites, tls12List: tls12List)
        let name = try #require(SSL_CIPHER_get_name(SSL_get_current_cipher(client.ssl)))
        #expect(String(cString: name).contains(cipher))
        var expectedUp: [UInt8] = [], expectedDown: [UInt8] = []
        for round in 0..<4 {
            if round == 2 && tls12List == nil {
                // The client updates its keys and asks the server to update its own.
                #expect(SSL_key_update(client.ssl, SSL_KEY_UPDATE_REQUESTED) == 1)
            }
            let up = Array("activity \(round) ".utf8) + [UInt8](repeating: UInt8(round), count: 300)
            let down = Array("flow \(round) ".utf8) + [UInt8](repeating: UInt8(0x80 | round), count: 140)
            exchange(client, server, up: up, down: down)
            expectedUp += up
            expectedDown += down
            #expect(server.received == expectedUp)
            #expect(client.received == expectedDown)
        }
        #expect(client.failure == nil)
    }

    @Test("a record altered in transit fails the session with bad_record_mac and delivers nothing",
          arguments: cases)
    func alteredRecordIsRefused(suites: String?, tls12List: String?, cipher: String) throws {
        let (client, server) = try connected(suites: suites, tls12List: tls12List)
        client.write(Array("an activity that must not arrive altered".utf8))
        var record = client.takeOutput()
        try #require(record.count > 21)
        record[record.count - 1] ^= 0x01  // the tag's last byte
        server.receive(record)
        // OpenSSL's reason; over TLS 1.2 the provider path adds "cipher operation failed; ".
        guard case .failed(.protocolFailure(let reason)) = server.lastRead else {
            Issue.record("an altered record was not refused: \(server.lastRead)")
            return
        }
        #expect(reason.hasSuffix("decryption failed or bad record mac"))
        #expect(server.received.isEmpty)
    }
}
