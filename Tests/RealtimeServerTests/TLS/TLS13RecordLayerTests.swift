@testable import CoachingCore
import COpenSSL
@_spi(Fuzzing) @testable import LoopKit
import RealtimeServer
import Testing
import WSProtocol

/// ``TLS13RecordLayer``: after OpenSSL's handshake a TLS 1.3 server session seals and
/// opens its records itself. The peer in every test is OpenSSL's own client, so each
/// record that crosses is checked by an independent implementation; records a client
/// would never send are sealed with the client's captured keys by a client-side layer.
struct TLS13RecordLayerTests {
    let pki: TLSTestPKI

    init() throws {
        pki = try TLSTestPKI.shared.get()
    }

    func context(ownRecordLayer: Bool = true) throws -> TLSContext {
        var configuration = TLSConfiguration(certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey)
        configuration.ownRecordLayer = ownRecordLayer
        return try TLSContext(configuration: configuration)
    }

    func connected(
        ownRecordLayer: Bool = true, suites: String? = nil, tls12: Bool = false, capturesSecrets: Bool = false
    ) throws -> (TLSTestClient, TLSServerHarness) {
        let server = try TLSServerHarness(context: context(ownRecordLayer: ownRecordLayer))
        var options = TLSTestClient.Options(trustRoots: pki.caCertificate)
        options.tls13CipherSuites = suites
        options.capturesSecrets = capturesSecrets
        if tls12 { options.maximumVersion = TLS1_2_VERSION }
        let client = TLSTestClient(options)
        pump(client, server)
        try #require(client.isHandshakeComplete && server.session?.isHandshakeComplete == true)
        return (client, server)
    }

    /// A layer on the client's side of `client`'s connection, from its captured secrets,
    /// for sealing records the OpenSSL client would not (its own sequence numbers are then
    /// out of step, so the OpenSSL client must not write again).
    func clientSide(_ client: TLSTestClient) throws -> TLS13RecordLayer {
        let secrets = try #require(client.secrets)
        let cipher = try #require(SSL_get_current_cipher(client.ssl))
        let clientLength = Int(secrets.pointee.client_length), serverLength = Int(secrets.pointee.server_length)
        try #require(clientLength > 0 && serverLength > 0)
        let layer = withUnsafeBytes(of: &secrets.pointee.client) { clientSecret in
            withUnsafeBytes(of: &secrets.pointee.server) { serverSecret in
                TLS13RecordLayer(
                    suiteCode: SSL_CIPHER_get_protocol_id(cipher),
                    clientSecret: UnsafeRawBufferPointer(rebasing: clientSecret[0..<clientLength]),
                    serverSecret: UnsafeRawBufferPointer(rebasing: serverSecret[0..<serverLength]), isServer: false)
            }
        }
        return try #require(layer)
    }

    /// Records of `type` with `content`, one each, sealed by `layer`.
    func sealed(_ layer: TLS13RecordLayer, _ records: [(TLS13RecordLayer.ContentType, [UInt8])]) -> [UInt8] {
        var output = ByteWriter()
        for (type, content) in records {
            #expect(content.withUnsafeBytes { layer.sealRecord($0, as: type, into: &output) })
        }
        return output.readableBytes
    }

    static let suites = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]

    @Test("TLS 1.3 sessions take their records over for each AEAD suite; TLS 1.2 and a context with the layer off keep OpenSSL's",
          arguments: suites)
    func takesOverTLS13Only(suite: String) throws {
        let (_, own) = try connected(suites: suite)
        #expect(own.session?.usesOwnRecordLayer == true)
        // The `SSL` is freed at the hand-over; what the handshake negotiated is kept.
        #expect(own.session?.holdsOpenSSLSession == false)
        #expect(own.session?.negotiatedCipher == suite)
        #expect(own.session?.negotiatedALPN == "http/1.1")
        #expect(own.session?.protocolVersion == .tls13)
        #expect(own.session?.isHandshakeComplete == true)
        let (_, tls12) = try connected(tls12: true)
        #expect(tls12.session?.protocolVersion == .tls12)
        #expect(tls12.session?.usesOwnRecordLayer == false)
        #expect(tls12.session?.holdsOpenSSLSession == true)
        let (_, off) = try connected(ownRecordLayer: false, suites: suite)
        #expect(off.session?.usesOwnRecordLayer == false)
    }

    @Test("messages of every size up to 70 KB cross both ways, split into records of at most 2^14 bytes",
          arguments: suites)
    func messagesOfEverySize(suite: String) throws {
        let (client, server) = try connected(suites: suite)
        var expectedUp: [UInt8] = [], expectedDown: [UInt8] = []
        for size in [1, 2, 15, 16, 17, 255, 4_095, 4_096, 4_097, 16_383, 16_384, 16_385, 70_001] {
            let up = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ size) }
            let down = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ size) }
            exchange(client, server, up: up, down: down)
            expectedUp += up
            expectedDown += down
        }
        #expect(server.received == expectedUp)
        #expect(client.received == expectedDown)
        #expect(client.failure == nil)
        // A record carries at most 2^14 bytes: one record for each of the first eleven
        // sizes, two for 16,385, five for 70,001.
        #expect(server.session?.ownRecordLayer?.writeSequence == 11 + 2 + 5)
    }

    @Test("a session on its own records never asks the sweep for a buffer review, however busy")
    func noRetentionReviews() throws {
        let (client, server) = try connected()
        for index in 0..<40 {
            exchange(client, server, up: Array("activity \(index)".utf8), down: Array("flow \(index)".utf8))
        }
        #expect(server.session?.needsRetentionReview == false)
        server.session?.reviewBufferRetention()
        #expect(server.session?.keepsRecordBuffers == false)
        #expect(client.received.count == (0..<40).map { "flow \($0)".utf8.count }.reduce(0, +))
    }

    @Test("the write key is updated after its record limit; the OpenSSL client reads on across the updates")
    func writeKeyLimit() throws {
        let (client, server) = try connected()
        let found = server.session?.ownRecordLayer
        let layer = try #require(found)
        layer.recordsPerWriteKey = 3
        var expected: [UInt8] = []
        for index in 0..<10 {
            let message = Array("flow \(index) ".utf8) + [UInt8](repeating: UInt8(index), count: 100)
            #expect(server.write(message) == .written)
            pump(client, server)
            expected += message
        }
        #expect(client.received == expected)
        #expect(client.failure == nil)
        // Three data records and a KeyUpdate per key; the tenth message is the first
        // record under the fourth key.
        #expect(layer.writeSequence == 1)
    }

    @Test("a client KeyUpdate that does not ask for ours changes only the read key")
    func keyUpdateNotRequested() throws {
        let (client, server) = try connected()
        let found = server.session?.ownRecordLayer
        let layer = try #require(found)
        client.write(Array("before".utf8))
        pump(client, server)
        #expect(SSL_key_update(client.ssl, SSL_KEY_UPDATE_NOT_REQUESTED) == 1)
        client.write(Array("after".utf8))
        pump(client, server)
        #expect(server.received == Array("beforeafter".utf8))
        #expect(layer.readSequence == 1, "the first record under the client's new key")
        #expect(layer.writeSequence == 0, "no KeyUpdate of ours was sent")
        #expect(server.write(Array("reply".utf8)) == .written)
        pump(client, server)
        #expect(client.received == Array("reply".utf8))
    }

    @Test("a client's padded records are opened and the padding dropped")
    func paddedRecords() throws {
        let (client, server) = try connected()
        #expect(SSL_set_block_padding(client.ssl, 512) == 1)
        client.write(Array("padded activity".utf8))
        client.write([UInt8](repeating: 9, count: 1_000))
        pump(client, server)
        #expect(server.received == Array("padded activity".utf8) + [UInt8](repeating: 9, count: 1_000))
    }

    @Test("records the client's keys sealed: empty application data is skipped, a KeyUpdate split over two records is applied, user_canceled then close_notify closes")
    func unusualButValidRecords() throws {
        let (client, server) = try connected(capturesSecrets: true)
        let craft = try clientSide(client)
        var bytes = sealed(craft, [(.applicationData, Array("one ".utf8)), (.applicationData, []),
                                   (.handshake, [24, 0]), (.handshake, [0, 1, 1])])
        #expect(craft.updateWriteKey())
        bytes += sealed(craft, [(.applicationData, Array("two".utf8))])
        server.receive(bytes)
        #expect(server.received == Array("one two".utf8))
        #expect(server.lastRead == .wantMoreCiphertext)
        // The KeyUpdate asked for ours: the OpenSSL client reads it and then our reply.
        #expect(server.write(Array("answer".utf8)) == .written)
        client.receive(server.takeOutput())
        client.step()
        #expect(client.received == Array("answer".utf8))
        #expect(client.failure == nil)
        server.receive(sealed(craft, [(.alert, [1, 90]), (.alert, [1, 0])]))
        #expect(server.lastRead == .closed)
    }

    /// One record of `kind` that carries no application data, sealed by `craft` (which
    /// moves to its next write key after a KeyUpdate, as a client must).
    func recordWithoutData(_ kind: Int, by craft: TLS13RecordLayer) -> [UInt8] {
        switch kind % 3 {
        case 0: return sealed(craft, [(.applicationData, [])])
        case 1:
            let record = sealed(craft, [(.handshake, [24, 0, 0, 1, 0])])
            #expect(craft.updateWriteKey())
            return record
        default: return sealed(craft, [(.alert, [1, 90])])
        }
    }

    @Test("32 records in a row without application data (empty, KeyUpdates, user_canceled) are accepted, and data starts the count again")
    func recordsWithoutDataUpToTheLimit() throws {
        let (client, server) = try connected(capturesSecrets: true)
        let craft = try clientSide(client)
        var bytes: [UInt8] = []
        for round in 0..<3 {
            for kind in 0..<TLS13RecordLayer.maximumRecordsWithoutData { bytes += recordWithoutData(kind + round, by: craft) }
            bytes += sealed(craft, [(.applicationData, [UInt8(ascii: "a") + UInt8(round)])])
        }
        server.receive(bytes)
        #expect(server.received == Array("abc".utf8))
        #expect(server.lastRead == .wantMoreCiphertext)
    }

    @Test("one record more without application data fails the session with unexpected_message", arguments: 0..<3)
    func recordsWithoutDataPastTheLimit(kind: Int) throws {
        let (client, server) = try connected(capturesSecrets: true)
        let craft = try clientSide(client)
        var bytes = sealed(craft, [(.applicationData, Array("data".utf8))])
        for _ in 0...TLS13RecordLayer.maximumRecordsWithoutData { bytes += recordWithoutData(kind, by: craft) }
        server.receive(bytes)
        #expect(server.received == Array("data".utf8))
        #expect(server.lastRead == .failed(.protocolFailure(reason: "too many records without application data")))
        client.receive(server.takeOutput())
        client.step()
        #expect(client.failure?.reason.contains("unexpected message") == true, "\(client.failure?.reason ?? "no failure")")
    }

    /// Each case: records sealed with the client's keys, the reason the server logs, and
    /// the alert the OpenSSL client reads from us (nil: we send none).
    static let malformed: [(name: String, records: [(TLS13RecordLayer.ContentType, [UInt8])], reason: String, alert: String?)] = [
        ("KeyUpdate asking 2", [(.handshake, [24, 0, 0, 1, 2])], "KeyUpdate with request_update 2", "illegal parameter"),
        ("KeyUpdate of length 2", [(.handshake, [24, 0, 0, 2, 0, 0])], "malformed KeyUpdate", "decode error"),
        ("KeyUpdate and more", [(.handshake, [24, 0, 0, 1, 0, 24])], "KeyUpdate not at the end of its record", "unexpected message"),
        ("a ticket from the client", [(.handshake, [4, 0, 0, 0])], "unexpected handshake message 4 after the handshake", "unexpected message"),
        ("empty handshake record", [(.handshake, [])], "empty handshake record", "unexpected message"),
        ("data inside a split message", [(.handshake, [24, 0]), (.applicationData, [1])], "record interleaved with a split handshake message", "unexpected message"),
        ("change_cipher_spec", [(.changeCipherSpec, [1])], "unexpected content type 20", "unexpected message"),
        ("a three-byte alert", [(.alert, [2, 50, 0])], "malformed alert record", "decode error"),
        ("the peer's fatal alert", [(.alert, [2, 50])], "peer sent alert decode_error", nil),
        ("2^14 + 1 bytes of data", [(.applicationData, [UInt8](repeating: 1, count: (1 << 14) + 1))], "record overflow", "record overflow"),
    ]

    @Test("malformed records from an authenticated peer fail the session with the RFC's alert", arguments: 0..<malformed.count)
    func malformedRecords(index: Int) throws {
        let (client, server) = try connected(capturesSecrets: true)
        let craft = try clientSide(client)
        let sample = Self.malformed[index]
        server.receive(sealed(craft, sample.records))
        #expect(server.received.isEmpty)
        #expect(server.lastRead == .failed(.protocolFailure(reason: sample.reason)), "\(sample.name)")
        client.receive(server.takeOutput())
        client.step()
        if let alert = sample.alert {
            #expect(client.failure?.reason.contains(alert) == true, "\(sample.name): \(client.failure?.reason ?? "no failure")")
        } else {
            #expect(client.failure == nil, "\(sample.name)")
        }
    }

    @Test("an inner plaintext of zeros only (no content type) fails with unexpected_message")
    func noContentType() throws {
        let (client, server) = try connected(capturesSecrets: true)
        let craft = try clientSide(client)
        var output = ByteWriter()
        #expect([UInt8](repeating: 0, count: 3).withUnsafeBytes { craft.sealInnerPlaintext($0, into: &output) })
        server.receive(output.readableBytes)
        #expect(server.lastRead == .failed(.protocolFailure(reason: "record without a content type")))
        client.receive(server.takeOutput())
        client.step()
        #expect(client.failure?.reason.contains("unexpected message") == true)
    }

    @Test("unprotected and oversized records fail before any decryption")
    func unprotectedAndOversized() throws {
        let (client, server) = try connected()
        server.receive([21, 3, 3, 0, 2, 2, 40])  // a plaintext alert after the handshake
        #expect(server.lastRead == .failed(.protocolFailure(reason: "unprotected record of type 21")))
        client.receive(server.takeOutput())
        client.step()
        #expect(client.failure?.reason.contains("unexpected message") == true)

        let (client2, server2) = try connected()
        let length = (1 << 14) + 257
        server2.receive([23, 3, 3, UInt8(length >> 8), UInt8(length & 0xFF)])  // only the header
        #expect(server2.lastRead == .failed(.protocolFailure(reason: "record overflow")))
        client2.receive(server2.takeOutput())
        client2.step()
        #expect(client2.failure?.reason.contains("record overflow") == true)
    }

    @Test("the end of the stream without close_notify, mid-record or between records, is an unexpected EOF")
    func endOfStream() throws {
        for cut in [0, 7] {
            let (client, server) = try connected()
            client.write(Array("activity".utf8))
            let record = client.takeOutput()
            server.receive(Array(record[0..<(cut == 0 ? record.count : cut)]))
            server.session?.receivedEndOfStream()
            server.readAll()
            if cut == 0 { #expect(server.received == Array("activity".utf8)) }
            #expect(server.lastRead == .failed(.unexpectedEOF))
        }
    }
}

/// The fuzzing SPI's session, made established from traffic secrets with no `SSL`.
struct TLSSessionEstablishedForFuzzingTests {
    @Test("a session made established from secrets opens what a client layer with them seals, and closes cleanly")
    func establishedFromSecrets() throws {
        // The secrets in buffers of their own: a closure cannot hand back a non-copyable session.
        let client = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 1)
        let server = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 1)
        defer {
            client.deallocate()
            server.deallocate()
        }
        client.initializeMemory(as: UInt8.self, repeating: 1)
        server.initializeMemory(as: UInt8.self, repeating: 2)
        guard var session = TLSSession(
            establishedWithSuite: 0x1303, clientSecret: UnsafeRawBufferPointer(client), serverSecret: UnsafeRawBufferPointer(server))
        else {
            Issue.record("no session from valid secrets")
            return
        }
        let sender = try #require(TLS13RecordLayer(
            suiteCode: 0x1303, clientSecret: UnsafeRawBufferPointer(client), serverSecret: UnsafeRawBufferPointer(server),
            isServer: false))
        #expect(session.isHandshakeComplete && session.usesOwnRecordLayer && !session.holdsOpenSSLSession)
        #expect(session.negotiatedCipher == "TLS_CHACHA20_POLY1305_SHA256")
        var stream = ByteWriter()
        #expect(Array("hello\u{17}".utf8).withUnsafeBytes { sender.sealInnerPlaintext($0, into: &stream) })
        #expect([UInt8]([1, 0, 21]).withUnsafeBytes { sender.sealInnerPlaintext($0, into: &stream) })
        stream.withUnsafeReadableBytes { session.receivedCiphertext($0) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 8)
        defer { buffer.deallocate() }
        #expect(session.readPlaintext(into: buffer) == .bytes(5))
        #expect(Array(buffer[0..<5]) == Array("hello".utf8))
        #expect(session.readPlaintext(into: buffer) == .closed)
        let unknownSuite = TLSSession(
            establishedWithSuite: 0x1304, clientSecret: UnsafeRawBufferPointer(client), serverSecret: UnsafeRawBufferPointer(server))
        let refused = unknownSuite == nil
        #expect(refused, "TLS_AES_128_CCM_SHA256 is left to OpenSSL")
    }
}
