@testable import CoachingCore
import COpenSSL
import LoopKit
import RealtimeServer
import Testing

/// Application data and close_notify over an established in-memory session.
struct TLSSessionDataTests {
    let pki: TLSTestPKI

    init() throws {
        pki = try TLSTestPKI.shared.get()
    }

    /// A completed handshake, ready for data.
    func connected(maximumVersion: Int32? = nil, ownRecordLayer: Bool = true) throws -> (TLSTestClient, TLSServerHarness) {
        var configuration = TLSConfiguration(certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey)
        configuration.ownRecordLayer = ownRecordLayer
        let context = try TLSContext(configuration: configuration)
        let server = try TLSServerHarness(context: context)
        var options = TLSTestClient.Options(trustRoots: pki.caCertificate)
        if let maximumVersion { options.maximumVersion = maximumVersion }
        let client = TLSTestClient(options)
        pump(client, server)
        try #require(client.isHandshakeComplete && server.session?.isHandshakeComplete == true)
        return (client, server)
    }

    /// Deterministic bytes and split points (a 64-bit LCG; no global randomness).
    struct Lcg {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        mutating func bytes(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
        }
    }

    @Test("small messages cross in both directions", arguments: [false, true])
    func smallMessages(tls12: Bool) throws {
        let (client, server) = try connected(maximumVersion: tls12 ? TLS1_2_VERSION : nil)
        client.write(Array("ping".utf8))
        #expect(server.write(Array("pong".utf8)) == .written)
        pump(client, server)
        #expect(server.received == Array("ping".utf8))
        #expect(client.received == Array("pong".utf8))
    }

    @Test("1 MiB payloads split at arbitrary boundaries arrive intact in both directions (lent and written straight to the output, or copied through the session)",
          arguments: zip([UInt64(1), 42, 2024], [true, false, true]))
    func largePayloads(seed: UInt64, serverPath: Bool) throws {
        let (client, server) = try connected()
        server.lendsCiphertext = serverPath
        server.writesToOutput = serverPath
        var random = Lcg(state: seed)
        let upstream = random.bytes(1 << 20)
        let downstream = random.bytes(1 << 20)
        server.chunkSizes = (0..<64).map { _ in 1 + Int(random.next() % 40_000) }

        var offset = 0
        while offset < upstream.count {
            let size = min(upstream.count - offset, 1 + Int(random.next() % 100_000))
            client.write(Array(upstream[offset..<(offset + size)]))
            offset += size
        }
        offset = 0
        while offset < downstream.count {
            let size = min(downstream.count - offset, 1 + Int(random.next() % 70_000))
            #expect(server.write(Array(downstream[offset..<(offset + size)])) == .written)
            offset += size
        }
        pump(client, server)
        #expect(server.received.count == upstream.count)
        #expect(server.received == upstream)
        #expect(client.received.count == downstream.count)
        #expect(client.received == downstream)
    }

    @Test("RFC 8446 §6.1: the client's close_notify reads as .closed and the server answers with its own")
    func clientCloses() throws {
        let (client, server) = try connected()
        client.write(Array("last words".utf8))
        client.shutdown()
        pump(client, server)
        #expect(server.received == Array("last words".utf8))
        #expect(server.lastRead == .closed)
        // Half-close: the server may still send its last words, then its close_notify.
        #expect(server.write(Array("goodbye".utf8)) == .written)
        server.session?.shutdown()
        pump(client, server)
        #expect(client.received == Array("goodbye".utf8))
        #expect(client.sawCloseNotify)
        #expect(client.failure == nil)
    }

    @Test("RFC 8446 §6.1: the server's shutdown queues close_notify, which the client reads as a clean close")
    func serverCloses() throws {
        let (client, server) = try connected()
        #expect(server.write(Array("bye".utf8)) == .written)
        server.session?.shutdown()
        pump(client, server)
        #expect(client.received == Array("bye".utf8))
        #expect(client.sawCloseNotify)
        #expect(server.write(Array("too late".utf8)) == .failed(.sessionClosed))
    }

    @Test("a session keeps no plaintext queued and nothing to drain once idle")
    func idleAfterBurst() throws {
        let (client, server) = try connected()
        server.writesToOutput = false  // records wait in the session until drained
        #expect(server.write([UInt8](repeating: 7, count: 1 << 20)) == .written)
        #expect(server.session?.hasBytesToDrain == true)
        pump(client, server)
        #expect(client.received.count == 1 << 20)
        #expect(server.session?.hasBytesToDrain == false)
        #expect(server.session?.pendingPlaintextCount == 0)
    }

    @Test("a busy session keeps its record buffers until a quiet review, and messages cross throughout; it asks for a review only when one would change something")
    func bufferRetention() throws {
        let (client, server) = try connected(ownRecordLayer: false)
        func exchange(_ count: Int) {
            for index in 0..<count {
                client.write(Array("activity \(index)".utf8))
                pump(client, server)
                #expect(server.write(Array("flow \(index)".utf8)) == .written)
                pump(client, server)
            }
        }
        server.session?.reviewBufferRetention()
        #expect(server.session?.keepsRecordBuffers == false)
        // 8 messages each way: 16 records since the last review.
        exchange(8)
        server.session?.reviewBufferRetention()
        #expect(server.session?.keepsRecordBuffers == true)
        exchange(2)
        server.session?.reviewBufferRetention()
        #expect(server.session?.keepsRecordBuffers == false)
        exchange(1)
        let expected = (0..<8).map { "activity \($0)" } + ["activity 0", "activity 1", "activity 0"]
        #expect(server.received == Array(expected.joined().utf8))
        #expect(server.session?.needsRetentionReview == true, "records moved: the next sweep reviews")
        server.session?.reviewBufferRetention()
        #expect(server.session?.needsRetentionReview == false, "quiet and no buffers kept: the sweep may skip it")
        exchange(8)
        server.session?.reviewBufferRetention()
        #expect(server.session?.needsRetentionReview == true, "buffers kept: reviewed on every sweep until quiet")
        #expect(client.failure == nil)
    }

    @Test("RFC 8446 §4.6.3: a client KeyUpdate that requests ours is answered and data keeps flowing")
    func keyUpdate() throws {
        let (client, server) = try connected()
        #expect(SSL_key_update(client.ssl, SSL_KEY_UPDATE_REQUESTED) == 1)
        client.write(Array("after key update".utf8))
        pump(client, server)
        #expect(server.received == Array("after key update".utf8))
        #expect(server.write(Array("with new keys".utf8)) == .written)
        pump(client, server)
        #expect(client.received == Array("with new keys".utf8))
        #expect(client.failure == nil)
    }

    @Test("writing nothing succeeds, and shutting down twice queues one close_notify")
    func edgeCalls() throws {
        let (client, server) = try connected()
        #expect(server.write([]) == .written)
        server.session?.shutdown()
        let first = server.takeOutput()
        server.session?.shutdown()
        #expect(!first.isEmpty)
        #expect(server.takeOutput().isEmpty)
        client.receive(first)
        client.step()
        #expect(client.sawCloseNotify)
    }
}
