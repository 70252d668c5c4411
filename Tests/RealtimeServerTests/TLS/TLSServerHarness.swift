@testable import CoachingCore
@testable import LoopKit
import RealtimeServer
import Testing
import WSProtocol

/// The server side of an in-memory connection, shaped the way the connection code will
/// hold it: a class owning a `~Copyable` ``TLSSession`` (optional, like a listener that
/// may be plain) and the socket's ``ByteWriter``.
final class TLSServerHarness {
    var session: TLSSession?
    var output = ByteWriter()
    /// Plaintext the server decrypted.
    var received: [UInt8] = []
    /// The last non-`.bytes` read result.
    var lastRead: TLSReadResult = .wantMoreCiphertext
    /// How the server splits incoming ciphertext (chunk sizes, cycled); empty = whole
    /// (at most ``scratch``'s 64 KiB when lent, like one `read(2)` into the loop's buffer).
    var chunkSizes: [Int] = []
    private var chunkIndex = 0
    /// The server's path: ciphertext lent from ``scratch`` (no copy), which is overwritten
    /// after every loan, so a read of lent bytes after the loan ended decrypts garbage and
    /// fails. False: copied in with `receivedCiphertext` (the soak client's path).
    var lendsCiphertext = true
    /// The server's path: records appended straight to ``output`` by the write. False:
    /// they wait in the session until ``takeOutput()`` drains them.
    var writesToOutput = true
    /// Stands in for the event loop's read buffer.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
    /// Ciphertext the session held copied after each loan ended, summed.
    var keptAfterLoans = 0

    init(context: TLSContext) throws {
        session = try TLSSession(context: context)
    }

    deinit { scratch.deallocate() }

    /// Feeds ciphertext (split per `chunkSizes`), reading plaintext after each chunk,
    /// the way the loop reads whatever `read(2)` returned.
    func receive(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            var size = bytes.count - offset
            if !chunkSizes.isEmpty {
                size = min(size, chunkSizes[chunkIndex % chunkSizes.count])
                chunkIndex += 1
            }
            if lendsCiphertext {
                size = min(size, scratch.count)
                let chunk = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<size])
                bytes[offset..<(offset + size)].withUnsafeBytes { chunk.copyMemory(from: $0) }
                receiveLent(UnsafeRawBufferPointer(chunk))
            } else {
                bytes[offset..<(offset + size)].withUnsafeBytes { session?.receivedCiphertext($0) }
                readAll()
            }
            offset += size
        }
    }

    /// One loop pass over lent bytes: lend, read `records` records (all when nil), end the
    /// loan, then scribble over the lent bytes as the next `read(2)` would.
    func receiveLent(_ chunk: UnsafeRawBufferPointer, records: Int? = nil) {
        session?.lendCiphertext(chunk)
        readAll(records: records)
        session?.endCiphertextLoan()
        keptAfterLoans += session?.keptCiphertextCount ?? 0
        UnsafeMutableRawBufferPointer(mutating: chunk).initializeMemory(as: UInt8.self, repeating: 0xA5)
    }

    /// Calls readPlaintext until it stops returning bytes (or `records` times).
    func readAll(records: Int? = nil) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var reads = 0
        while records.map({ reads < $0 }) ?? true {
            let result = buffer.withUnsafeMutableBytes { session?.readPlaintext(into: $0) } ?? .closed
            reads += 1
            if case .bytes(let count) = result {
                received.append(contentsOf: buffer[0..<count])
                continue
            }
            lastRead = result
            return
        }
    }

    @discardableResult
    func write(_ bytes: [UInt8]) -> TLSWriteResult? {
        if writesToOutput {
            return bytes.withUnsafeBytes { session?.writePlaintext($0, appendingCiphertextTo: &output) }
        }
        return bytes.withUnsafeBytes { session?.writePlaintext($0) }
    }

    /// Everything queued for the socket.
    func takeOutput() -> [UInt8] {
        session?.drainCiphertext(into: &output)
        let bytes = output.readableBytes
        output.consume(bytes.count)
        return bytes
    }
}

extension TLSServerHarness {
    /// A client and server that completed a handshake over `context`, or nil.
    static func established(_ context: TLSContext, trust: String) -> (TLSTestClient, TLSServerHarness)? {
        guard let server = try? TLSServerHarness(context: context) else { return nil }
        let client = TLSTestClient(TLSTestClient.Options(trustRoots: trust))
        pump(client, server)
        guard client.isHandshakeComplete, server.session?.isHandshakeComplete == true else { return nil }
        return (client, server)
    }
}

/// The client sends `up` and the server answers `down`, each moved across.
func exchange(_ client: TLSTestClient, _ server: TLSServerHarness, up: [UInt8], down: [UInt8]) {
    client.write(up)
    pump(client, server)
    #expect(server.write(down) == .written)
    pump(client, server)
}

/// Moves bytes between a client and a server until neither has anything to say.
func pump(_ client: TLSTestClient, _ server: TLSServerHarness, maxRounds: Int = 10_000) {
    client.step()
    for _ in 0..<maxRounds {
        let toServer = client.takeOutput()
        server.receive(toServer)
        let toClient = server.takeOutput()
        client.receive(toClient)
        client.step()
        if toServer.isEmpty && toClient.isEmpty { return }
    }
}
