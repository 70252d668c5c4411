/// The bytes of a `ByteWriter`: one allocation holding the counts, then the bytes.
///
/// A `ManagedBuffer` rather than `[UInt8]` so that appending is a uniqueness check, a
/// capacity check and a `memcpy`, and emptying is one store: `Array`'s
/// `append(contentsOf:)` and `removeAll(keepingCapacity:)` went through generic
/// `replaceSubrange` machinery that cost more than the echo's own framing.
@usableFromInline
final class ByteWriterBuffer: ManagedBuffer<ByteWriterCounts, UInt8> {
    /// A buffer with room for exactly `capacity` bytes, holding none.
    @usableFromInline
    static func make(capacity: Int) -> ByteWriterBuffer {
        let created = create(minimumCapacity: capacity) { _ in ByteWriterCounts(count: 0, capacity: capacity) }
        return unsafeDowncast(created, to: ByteWriterBuffer.self)
    }
}

/// The header of a `ByteWriterBuffer`.
@usableFromInline
struct ByteWriterCounts {
    /// Bytes written (the first `count` bytes are initialized).
    @usableFromInline var count: Int
    /// Bytes the allocation holds (kept here: `ManagedBuffer.capacity` asks the allocator).
    @usableFromInline let capacity: Int

    @usableFromInline
    init(count: Int, capacity: Int) {
        self.count = count
        self.capacity = capacity
    }
}
