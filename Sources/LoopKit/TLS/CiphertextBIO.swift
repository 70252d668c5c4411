internal import COpenSSL
import WSProtocol

/// A custom OpenSSL BIO over a session's ``CiphertextBuffers``: the session's only BIO,
/// used for both directions (`SSL_set_bio(ssl, bio, bio)`).
///
/// Memory BIOs cost a copy each way on top of OpenSSL's own: ciphertext from the loop's
/// read buffer into the read BIO, and records from the write BIO into the cork. This one
/// hands OpenSSL the loop's bytes and takes its records where the caller wants them.
/// Writes never fail or block (the caller's output buffer grows; the connection's
/// slow-reader rule bounds it, as it bounded the memory BIO), so `SSL_write` never says
/// WANT_WRITE; a read with nothing to give says "retry" (WANT_READ), or EOF after the
/// socket's end of stream, exactly as a memory BIO with `BIO_set_mem_eof_return(bio, 0)`.
enum CiphertextBIO {
    /// The method, built once per process. `nonisolated(unsafe)`: written only by its
    /// (thread-safe, lazy) initialisation; afterwards OpenSSL only reads it, from any loop
    /// thread, as it does its own built-in methods.
    nonisolated(unsafe) private static let method: OpaquePointer? = makeMethod()

    /// A BIO over `buffers`, which must outlive it (the session frees the `SSL`, and with
    /// it the BIO, before the buffers).
    static func make(over buffers: UnsafeMutablePointer<CiphertextBuffers>) -> OpaquePointer? {
        guard let method, let bio = BIO_new(method) else { return nil }
        BIO_set_data(bio, UnsafeMutableRawPointer(buffers))
        BIO_set_init(bio, 1)
        return bio
    }

    private static func makeMethod() -> OpaquePointer? {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "flowcoach ciphertext")
        else { return nil }
        guard BIO_meth_set_read_ex(method, { bio, data, length, readBytes in
                CiphertextBIO.read(bio, data, length, readBytes)
            }) == 1,
            BIO_meth_set_write_ex(method, { bio, data, length, written in
                CiphertextBIO.write(bio, data, length, written)
            }) == 1,
            BIO_meth_set_ctrl(method, { bio, command, _, _ in CiphertextBIO.control(bio, command) }) == 1
        else {
            BIO_meth_free(method)
            return nil
        }
        return method
    }

    private static let retryFlags = Int32(BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY)

    private static func buffers(_ bio: OpaquePointer?) -> UnsafeMutablePointer<CiphertextBuffers>? {
        BIO_get_data(bio)?.assumingMemoryBound(to: CiphertextBuffers.self)
    }

    private static func read(
        _ bio: OpaquePointer?, _ data: UnsafeMutablePointer<CChar>?, _ length: Int, _ readBytes: UnsafeMutablePointer<Int>?
    ) -> Int32 {
        BIO_clear_flags(bio, retryFlags)
        guard let buffers = buffers(bio), let data, let readBytes else { return 0 }
        let count = buffers.pointee.read(into: UnsafeMutableRawBufferPointer(start: data, count: length))
        readBytes.pointee = count
        if count > 0 { return 1 }
        // Nothing buffered: "try again later", unless the stream ended (then OpenSSL asks
        // BIO_CTRL_EOF and reports a missing close_notify as an unexpected EOF).
        if !buffers.pointee.receivedEndOfStream { BIO_set_flags(bio, Int32(BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY)) }
        return 0
    }

    private static func write(
        _ bio: OpaquePointer?, _ data: UnsafePointer<CChar>?, _ length: Int, _ written: UnsafeMutablePointer<Int>?
    ) -> Int32 {
        BIO_clear_flags(bio, retryFlags)
        guard let buffers = buffers(bio), let written else { return 0 }
        buffers.pointee.records.append(UnsafeRawBufferPointer(start: data, count: length))
        written.pointee = length
        return 1
    }

    /// The commands OpenSSL sends a source/sink BIO. Most calls per record are kernel-TLS
    /// queries (`BIO_get_ktls_send`/`_recv`), answered "no" before looking at the buffers.
    private static func control(_ bio: OpaquePointer?, _ command: Int32) -> Int {
        switch command {
        case BIO_CTRL_FLUSH: return 1  // nothing is held back: records are in `records` already
        case BIO_CTRL_PENDING: return buffers(bio)?.pointee.unreadCount ?? 0
        case BIO_CTRL_WPENDING: return buffers(bio)?.pointee.records.readableCount ?? 0
        case BIO_CTRL_EOF:
            guard let buffers = buffers(bio) else { return 1 }
            return buffers.pointee.receivedEndOfStream && buffers.pointee.unreadCount == 0 ? 1 : 0
        default: return 0
        }
    }
}
