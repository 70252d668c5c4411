@testable import CoachingCore
import COpenSSL
@_spi(Fuzzing) @testable import LoopKit
import RealtimeServer
import Testing
import WSProtocol

/// The server's copy-free path through ``TLSSession``'s custom BIO: ciphertext lent from the
/// loop's read buffer (``TLSSession/lendCiphertext(_:)``), records appended straight to the
/// output (``TLSSession/writePlaintext(_:appendingCiphertextTo:)``). The harness scribbles
/// over lent bytes as soon as a loan ends, as the loop's next `read(2)` would, so a session
/// that read them later would fail to decrypt.
struct TLSSessionLoanTests {
    let pki: TLSTestPKI

    init() throws {
        pki = try TLSTestPKI.shared.get()
    }

    func connected(ownRecordLayer: Bool = true) throws -> (TLSTestClient, TLSServerHarness) {
        var configuration = TLSConfiguration(certificateChainPath: pki.serverCertificate, privateKeyPath: pki.serverKey)
        configuration.ownRecordLayer = ownRecordLayer
        let context = try TLSContext(configuration: configuration)
        let (client, server) = try #require(TLSServerHarness.established(context, trust: pki.caCertificate))
        return (client, server)
    }

    @Test("a record split across reads (every size from 1 byte) is decrypted once whole: OpenSSL's from lent bytes only, ours from the part kept",
          arguments: [1, 2, 5, 7, 64, 333], [false, true])
    func recordSplitAcrossReads(chunk: Int, ownRecordLayer: Bool) throws {
        let (client, server) = try connected(ownRecordLayer: ownRecordLayer)
        #expect(server.session?.usesOwnRecordLayer == ownRecordLayer)
        let message = (0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        client.write(message)
        let ciphertext = client.takeOutput()
        server.chunkSizes = [chunk]
        server.receive(ciphertext)
        #expect(server.received == message)
        if ownRecordLayer {
            // The record's parts were kept until it was whole, then opened once.
            #expect(server.session?.ownRecordLayer?.readSequence == 1)
            #expect(server.session?.keptCiphertextCount == 0)
        } else {
            // Each partial record went into OpenSSL's record buffer during its own loan.
            #expect(server.keptAfterLoans == 0)
        }
        #expect(server.lastRead == .wantMoreCiphertext)
    }

    @Test("input paused mid-burst: what OpenSSL did not read is kept past the loan and read first next time")
    func unreadCiphertextOutlivesTheLoan() throws {
        let (client, server) = try connected()
        // Three full 16 KiB records in one 64 KiB read: more than OpenSSL's read-ahead
        // buffer holds, so one record read leaves lent bytes it never touched.
        let messages = (0..<3).map { index in [UInt8](repeating: UInt8(index), count: 16 * 1024) }
        for message in messages { client.write(message) }
        let ciphertext = client.takeOutput()
        try #require(ciphertext.count <= server.scratch.count)
        let chunk = UnsafeMutableRawBufferPointer(rebasing: server.scratch[0..<ciphertext.count])
        ciphertext.withUnsafeBytes { chunk.copyMemory(from: $0) }

        server.receiveLent(UnsafeRawBufferPointer(chunk), records: 1)  // then input pauses
        #expect(server.received.count == 4096, "one read of the harness's 4 KiB buffer")
        #expect(server.keptAfterLoans > 0, "the loan ended with bytes OpenSSL had not read")
        // Later (input resumed), with the lent bytes overwritten: the rest, in order.
        server.readAll()
        let expected = messages.flatMap { $0 }
        #expect(server.received.count == expected.count)
        #expect(server.received.elementsEqual(expected), "the kept bytes decrypt in order")
        #expect(server.lastRead == .wantMoreCiphertext)
        // Bytes kept from one loan come before the next loan's.
        client.write(Array("after".utf8))
        server.receive(client.takeOutput())
        #expect(server.received.suffix(5) == Array("after".utf8))
    }

    @Test("nothing of a loan is kept once the session closed or failed", arguments: [false, true])
    func noKeepingAfterTheEnd(failing: Bool) throws {
        let (client, server) = try connected()
        client.write(Array("last".utf8))
        if !failing { client.shutdown() }
        // Then 60 KiB that would not fit OpenSSL's read-ahead buffer: garbage records (a
        // failure), or bytes after close_notify (ignored).
        let ciphertext = client.takeOutput() + [0x17, 0x03, 0x03, 0x40, 0x00] + [UInt8](repeating: 0x5a, count: 60_000)
        let chunk = UnsafeMutableRawBufferPointer(rebasing: server.scratch[0..<ciphertext.count])
        ciphertext.withUnsafeBytes { chunk.copyMemory(from: $0) }
        server.receiveLent(UnsafeRawBufferPointer(chunk))
        #expect(server.received == Array("last".utf8))
        if failing {
            guard case .failed = server.lastRead else {
                Issue.record("garbage after a record must fail the session, got \(server.lastRead)")
                return
            }
        } else {
            #expect(server.lastRead == .closed)
        }
        #expect(server.keptAfterLoans == 0)
    }

    @Test("backpressure: records appended straight to an output nobody drains stay whole and in order")
    func recordsPileUpInTheOutput() throws {
        let (client, server) = try connected()
        var expected: [UInt8] = []
        // The socket takes nothing for a while: 200 replies pile up in the output.
        for index in 0..<200 {
            let reply = Array("flow \(index);".utf8) + [UInt8](repeating: UInt8(index & 0x7f), count: index * 37)
            #expect(server.write(reply) == .written)
            expected += reply
        }
        #expect(server.session?.hasBytesToDrain == false, "no record waits in the session")
        #expect(server.session?.pendingPlaintextCount == 0)
        // Then it takes the output in uneven pieces (partial writes).
        let output = server.output.readableBytes
        server.output.consume(output.count)
        var offset = 0
        var size = 1
        while offset < output.count {
            let end = min(output.count, offset + size)
            client.receive(Array(output[offset..<end]))
            client.step()
            offset = end
            size = size * 3 % 9_973 + 1
        }
        #expect(client.received == expected)
        #expect(client.failure == nil)
    }

    @Test("records the session queued (written without an output) go out before records written straight to it")
    func queuedRecordsComeFirst() throws {
        let (client, server) = try connected()
        server.writesToOutput = false
        #expect(server.write(Array("first ".utf8)) == .written)
        #expect(server.session?.hasBytesToDrain == true)
        server.writesToOutput = true
        #expect(server.write(Array("second".utf8)) == .written)
        #expect(server.session?.hasBytesToDrain == false)
        client.receive(server.takeOutput())
        client.step()
        #expect(client.received == Array("first second".utf8))
    }

    @Test("end of stream after lent bytes: the records arrive, then the missing close_notify is an unexpected EOF")
    func endOfStreamAfterALoan() throws {
        let (client, server) = try connected()
        client.write(Array("no goodbye".utf8))
        server.receive(client.takeOutput())
        server.session?.receivedEndOfStream()
        server.readAll()
        #expect(server.received == Array("no goodbye".utf8))
        #expect(server.lastRead == .failed(.unexpectedEOF))
    }
}
