@testable import CoachingCore
import LoopKit
import RealtimeServer
import Testing

/// Loading certificates and keys, and refusing what clients would reject.
struct TLSContextTests {
    let pki: TLSTestPKI

    init() throws {
        pki = try TLSTestPKI.shared.get()
    }

    func configuration(chain: String? = nil, key: String? = nil) -> TLSConfiguration {
        TLSConfiguration(
            certificateChainPath: chain ?? pki.serverCertificate, privateKeyPath: key ?? pki.serverKey)
    }

    func loadError(_ configuration: TLSConfiguration) -> TLSContextError? {
        do {
            _ = try TLSContext(configuration: configuration)
            return nil
        } catch {
            return error
        }
    }

    @Test("TLS 1.3 suites are chosen in the server's order: AES-128-GCM over a client's AES-256-GCM-first default; ChaCha20 for a client that lists it first; AES-256-GCM when it is all a client offers",
          arguments: [
              (nil as String?, "TLS_AES_128_GCM_SHA256"),
              ("TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"),
              ("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384"),
          ])
    func serverChoosesTheSuite(offered: String?, chosen: String) throws {
        let context = try TLSContext(configuration: configuration())
        let server = try TLSServerHarness(context: context)
        var options = TLSTestClient.Options(trustRoots: pki.caCertificate)
        options.tls13CipherSuites = offered
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(server.session?.protocolVersion == .tls13)
        #expect(server.session?.negotiatedCipher == chosen)
    }

    @Test("an unknown TLS 1.3 suite is refused at load")
    func invalidCipherSuites() {
        var suites = configuration()
        suites.tls13CipherSuites = "TLS_NO_SUCH_SUITE"
        #expect(loadError(suites) == .invalidCipherSuites("TLS_NO_SUCH_SUITE"))
    }

    @Test("a valid chain and key load and report the leaf's subject and notAfter date")
    func loadsValidChain() throws {
        let context = try TLSContext(configuration: configuration())
        #expect(context.certificateSubject == "/CN=localhost")
        #expect(context.certificateNotAfter.count == 20)
        #expect(context.certificateNotAfter.hasSuffix("Z"))
    }

    @Test("an expired certificate is refused at load with an error naming the file and the notAfter date")
    func expiredCertificate() {
        let error = loadError(configuration(chain: pki.expiredCertificate))
        #expect(
            error == .certificateExpired(
                path: pki.expiredCertificate, subject: "/CN=localhost", notAfter: "2020-01-02T00:00:00Z"))
        let message = error?.description ?? ""
        #expect(message.contains(pki.expiredCertificate))
        #expect(message.contains("expired on 2020-01-02T00:00:00Z"))
    }

    @Test("a certificate that is not valid yet is refused at load with its notBefore date")
    func notYetValidCertificate() {
        #expect(
            loadError(configuration(chain: pki.notYetValidCertificate))
                == .certificateNotYetValid(
                    path: pki.notYetValidCertificate, subject: "/CN=localhost", notBefore: "2099-01-01T00:00:00Z"))
    }

    @Test("a private key that does not match the certificate is refused",
          arguments: [true, false])
    func keyMismatch(sameKeyType: Bool) {
        let key = sameKeyType ? pki.foreignKey : pki.rsaServerKey
        #expect(
            loadError(configuration(key: key))
                == .privateKeyDoesNotMatchCertificate(certificatePath: pki.serverCertificate, privateKeyPath: key))
    }

    @Test("a missing certificate file is refused with the path")
    func missingChain() {
        let path = pki.directory + "/missing.pem"
        guard case .cannotLoadCertificateChain(let reported, _) = loadError(configuration(chain: path)) else {
            Issue.record("expected cannotLoadCertificateChain")
            return
        }
        #expect(reported == path)
    }

    @Test("a missing key file and an encrypted key are refused without prompting for a passphrase",
          arguments: ["/missing.key", "/encrypted.key"])
    func unusableKey(file: String) {
        let path = pki.directory + file
        guard case .cannotLoadPrivateKey(let reported, let reason) = loadError(configuration(key: path)) else {
            Issue.record("expected cannotLoadPrivateKey")
            return
        }
        #expect(reported == path)
        #expect(!reason.isEmpty)
    }

    @Test("an empty ALPN name and a cipher list without usable ciphers are refused")
    func invalidPolicy() {
        var emptyALPN = configuration()
        emptyALPN.applicationProtocols = [""]
        #expect(loadError(emptyALPN) == .invalidApplicationProtocol)
        var ciphers = configuration()
        ciphers.tls12CipherList = "NO-SUCH-CIPHER"
        #expect(loadError(ciphers) == .invalidCipherList("NO-SUCH-CIPHER"))
    }

    @Test("a minimum of TLS 1.3 refuses a TLS 1.2 client")
    func minimumTLS13() throws {
        var config = configuration()
        config.minimumProtocolVersion = .tls13
        let server = try TLSServerHarness(context: try TLSContext(configuration: config))
        var options = TLSTestClient.Options(trustRoots: pki.caCertificate)
        options.maximumVersion = 0x0303
        let client = TLSTestClient(options)
        pump(client, server)
        #expect(server.lastRead == .failed(.handshakeFailed(reason: "unsupported protocol")))
    }
}
