import LoopKit
import WSProtocol

/// A connection's TLS session in a box of its own, so that a plaintext connection holds a
/// nil reference instead of the session's ~90 bytes inline (RSS per idle connection).
/// Forwards what the loop uses. Owned by the connection's loop thread, like the connection.
final class BoxedTLSSession {
    /// `@exclusivity(unchecked)`: reached only through these forwarding methods, on the
    /// loop's thread, one at a time; OpenSSL's calls back from inside them (the BIO's reads
    /// and writes) go to the session's ciphertext buffers through their own pointer, never
    /// back through this box, so no access can overlap another. The run-time check cost
    /// one access-set update per call, several per TLS round trip.
    @exclusivity(unchecked) private var session: TLSSession
    /// ``ClientConnection/lastOutputProgressMs`` of a TLS connection: the session may hold
    /// plaintext the slow-reader rule counts while no output waits in the connection.
    var lastOutputProgressMs: Int64 = 0

    init(_ session: consuming TLSSession) {
        self.session = session
    }

    var pendingPlaintextCount: Int { session.pendingPlaintextCount }

    func lendCiphertext(_ bytes: UnsafeRawBufferPointer) { session.lendCiphertext(bytes) }

    func endCiphertextLoan() { session.endCiphertextLoan() }

    func receivedEndOfStream() { session.receivedEndOfStream() }

    func readPlaintext(into buffer: UnsafeMutableRawBufferPointer) -> TLSReadResult { session.readPlaintext(into: buffer) }

    func writePlaintext(_ bytes: UnsafeRawBufferPointer, appendingCiphertextTo output: inout ByteWriter) -> TLSWriteResult {
        session.writePlaintext(bytes, appendingCiphertextTo: &output)
    }

    func drainCiphertext(into output: inout ByteWriter) { session.drainCiphertext(into: &output) }

    func shutdown() { session.shutdown() }

    var needsRetentionReview: Bool { session.needsRetentionReview }

    func reviewBufferRetention() { session.reviewBufferRetention() }
}
