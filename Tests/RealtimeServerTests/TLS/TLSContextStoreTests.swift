@testable import CoachingCore
import LoopKit
import RealtimeServer
import Testing

/// Certificate reload (SIGHUP): new connections get the new context, live ones keep theirs.
struct TLSContextStoreTests {
    let pki: TLSTestPKI

    init() throws {
        pki = try TLSTestPKI.shared.get()
    }

    @Test("a reload swaps the context for new sessions while an established session keeps working")
    func reloadKeepsLiveSessions() throws {
        let store = try TLSContextStore(
            configuration: TLSConfiguration(
                certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey))
        let old = TLSServerHarness.established(store.current, trust: pki.caCertificate)
        let (oldClient, oldServer) = try #require(old)

        let fresh = try store.reload(
            configuration: TLSConfiguration(
                certificateChainPath: pki.reloadedCertificate, privateKeyPath: pki.serverKey))
        #expect(store.current === fresh)
        #expect(store.current.certificateSubject == "/CN=reloaded")

        // The old session still encrypts and decrypts with the old context.
        oldClient.write(Array("still here".utf8))
        #expect(oldServer.write(Array("me too".utf8)) == .written)
        pump(oldClient, oldServer)
        #expect(oldServer.received == Array("still here".utf8))
        #expect(oldClient.received == Array("me too".utf8))

        // A new session presents the reloaded certificate.
        let new = TLSServerHarness.established(store.current, trust: pki.caCertificate)
        let (newClient, _) = try #require(new)
        #expect(newClient.peerSubject == "/CN=reloaded")
        #expect(oldClient.peerSubject == "/CN=localhost")
    }

    @Test("a failed reload keeps the old context and reports the error")
    func failedReloadKeepsOld() throws {
        let store = try TLSContextStore(
            configuration: TLSConfiguration(
                certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey))
        let before = store.current
        #expect(throws: TLSContextError.self) {
            try store.reload(
                configuration: TLSConfiguration(
                    certificateChainPath: pki.expiredCertificate, privateKeyPath: pki.serverKey))
        }
        #expect(store.current === before)
        // Reloading the unchanged files works and yields a distinct context.
        let again = try store.reload()
        #expect(again !== before)
        #expect(store.current === again)
    }

    @Test("the store can be read from many threads while it reloads")
    func concurrentReads() async throws {
        let store = try TLSContextStore(
            configuration: TLSConfiguration(
                certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey))
        let trust = pki.caCertificate
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var ok = true
                    for _ in 0..<20 {
                        ok = ok && TLSServerHarness.established(store.current, trust: trust) != nil
                    }
                    return ok
                }
            }
            group.addTask {
                for _ in 0..<10 { try store.reload() }
                return true
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
