@testable import CoachingCore
import LoopKit
import RealtimeServer
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
    /// How the server splits incoming ciphertext (chunk sizes, cycled); empty = whole.
    var chunkSizes: [Int] = []
    private var chunkIndex = 0

    init(context: TLSContext) throws {
        session = try TLSSession(context: context)
    }

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
            bytes[offset..<(offset + size)].withUnsafeBytes { session?.receivedCiphertext($0) }
            offset += size
            readAll()
        }
    }

    /// Calls readPlaintext until it stops returning bytes.
    func readAll() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let result = buffer.withUnsafeMutableBytes { session?.readPlaintext(into: $0) } ?? .closed
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
        bytes.withUnsafeBytes { session?.writePlaintext($0) }
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
