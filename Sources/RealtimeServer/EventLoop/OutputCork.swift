import CoachingCore
import WSProtocol

/// The loop's output buffer ("cork"): replies produced while handling a connection collect
/// here and leave with one write. Its bytes always belong to one named connection: they can
/// only be appended *for* a connection and only be taken *by* that connection, so output
/// cannot leave with another client's flush.
struct OutputCork {
    private var buffer = ByteWriter(capacity: 256 << 10)
    /// The connection whose bytes the cork holds (nil when empty).
    private(set) var owner: UInt64?

    /// Whether bytes for a connection other than `token` are waiting (the caller flushes
    /// them to their owner before writing for `token`).
    func holdsBytes(forOtherThan token: UInt64) -> Bool {
        guard let owner else { return false }
        return owner != token && !buffer.isEmpty
    }

    /// Appends bytes for `token`. The caller has flushed any other owner's bytes first.
    mutating func append<R>(for token: UInt64, _ body: (inout ByteWriter) -> R) -> R {
        if owner != token {
            precondition(buffer.isEmpty, "OutputCork: another connection's bytes are still waiting")
            owner = token
        }
        return body(&buffer)
    }

    /// Takes `token`'s bytes out of the cork (an empty writer when it holds none of
    /// them). Give the writer back with ``returnStorage(_:)`` once its bytes are written,
    /// so the cork keeps its capacity (no allocation per flush).
    mutating func takeBytes(for token: UInt64) -> ByteWriter {
        var taken = ByteWriter()
        guard owner == token else { return taken }
        owner = nil
        swap(&taken, &buffer)
        return taken
    }

    /// Takes back a writer from ``takeBytes(for:)`` (its bytes written or dropped); the
    /// caller's writer is left empty.
    ///
    /// `inout` and a swap, not a copy: emptying a *copy* (`consume` →
    /// `removeAll(keepingCapacity:)`) finds the storage shared with the caller's writer and
    /// allocates a fresh buffer of the same 256 KiB — above glibc's mmap threshold, so it
    /// cost an `mmap` and a `munmap` on every flush (one pair per `writev`).
    mutating func returnStorage(_ writer: inout ByteWriter) {
        guard buffer.isEmpty, writer.capacity > buffer.capacity else { return }
        writer.consume(writer.readableCount)
        swap(&buffer, &writer)
    }

    /// Drops bytes whose connection is gone (closed, or handed to another loop).
    mutating func discard(for token: UInt64) {
        guard owner == token else { return }
        buffer.consume(buffer.readableCount)
        owner = nil
    }
}
