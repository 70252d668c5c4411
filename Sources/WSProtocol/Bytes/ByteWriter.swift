/// Growable byte output with a read cursor.
///
/// Frames are appended at the end and flushed from the front; once everything is
/// consumed both indices reset, so a writer that is reused allocates nothing in steady
/// state. The shell hands one to the protocol core as `inout` output. A value type with
/// copy-on-write storage (`ByteWriterBuffer`): a copy shares the bytes until either side
/// writes.
// SAFETY (`@unchecked`: `ManagedBuffer` is not `Sendable`): a buffer is written only
// through a writer that holds the only reference to it (copy-on-write, checked with
// `isKnownUniquelyReferenced` before every mutation), so the thread that owns that writer
// owns the writes; a buffer shared by copies, possibly on other threads, is only read.
public struct ByteWriter: @unchecked Sendable {
    /// Backing bytes (nil: nothing allocated); bytes `readerIndex..<count` are still to be sent.
    @usableFromInline internal var buffer: ByteWriterBuffer?
    /// Index of the first byte not yet consumed.
    @usableFromInline internal var readerIndex: Int

    /// Creates an empty writer that reserves `capacity` bytes up front.
    public init(capacity: Int = 0) {
        buffer = capacity > 0 ? ByteWriterBuffer.make(capacity: capacity) : nil
        readerIndex = 0
    }

    /// Bytes written, consumed or not.
    @inlinable internal var count: Int { buffer?.withUnsafeMutablePointerToHeader { $0.pointee.count } ?? 0 }

    /// Bytes appended and not yet consumed.
    @inlinable public var readableCount: Int { count &- readerIndex }

    /// True when nothing is waiting to be consumed.
    @inlinable public var isEmpty: Bool { count == readerIndex }

    /// Bytes the backing store can hold without reallocating.
    public var capacity: Int { buffer?.withUnsafeMutablePointerToHeader { $0.pointee.capacity } ?? 0 }

    /// Calls `body` with the counts and the bytes of the buffer, made uniquely referenced
    /// and with room for `extra` more bytes first. (Through pointers: the header as a class
    /// property would cost a dynamic exclusivity check per access.)
    @inlinable @inline(__always)
    internal mutating func withWritableBuffer<R>(
        forAppending extra: Int, _ body: (UnsafeMutablePointer<ByteWriterCounts>, UnsafeMutablePointer<UInt8>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&buffer)
            || buffer.unsafelyUnwrapped.withUnsafeMutablePointerToHeader({ $0.pointee.capacity &- $0.pointee.count }) < extra {
            replaceBuffer(forAppending: extra)
        }
        // Not nil: a nil buffer is never uniquely referenced, so it was just replaced.
        return try buffer.unsafelyUnwrapped.withUnsafeMutablePointers(body)
    }

    /// Copies the bytes into a new buffer with room for `extra` more (growing
    /// geometrically), because the old one is shared or full.
    @usableFromInline
    internal mutating func replaceBuffer(forAppending extra: Int) {
        let count = self.count
        let capacity = self.capacity
        let needed = count + extra
        let newCapacity = needed <= capacity ? capacity : max(needed, capacity * 2, 64)
        let replacement = ByteWriterBuffer.make(capacity: newCapacity)
        if let buffer, count > 0 {
            buffer.withUnsafeMutablePointerToElements { source in
                replacement.withUnsafeMutablePointerToElements { $0.update(from: source, count: count) }
            }
        }
        replacement.withUnsafeMutablePointerToHeader { $0.pointee.count = count }
        buffer = replacement
    }

    /// Appends one byte.
    @inlinable public mutating func append(_ byte: UInt8) {
        withWritableBuffer(forAppending: 1) { counts, bytes in
            (bytes + counts.pointee.count).initialize(to: byte)
            counts.pointee.count &+= 1
        }
    }

    /// Appends a run of bytes (one `memcpy`).
    @inlinable public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let length = bytes.count
        withWritableBuffer(forAppending: length) { counts, stored in
            UnsafeMutableRawPointer(stored + counts.pointee.count).copyMemory(from: source, byteCount: length)
            counts.pointee.count &+= length
        }
    }

    /// Appends the bytes of any sequence (tests, small literals).
    @inlinable public mutating func append<S: Sequence>(contentsOf bytes: S) where S.Element == UInt8 {
        let copied: Void? = bytes.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        guard copied == nil else { return }
        for byte in bytes { append(byte) }
    }

    /// Appends a big-endian 16-bit integer (network order).
    @inlinable public mutating func appendBigEndian(_ value: UInt16) {
        withUnsafeBytes(of: value.bigEndian) { append($0) }
    }

    /// Appends a big-endian 64-bit integer (network order).
    @inlinable public mutating func appendBigEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { append($0) }
    }

    /// Reserves `maximumCount` bytes at the end, lets `body` fill a prefix of them and
    /// keeps exactly the number of bytes `body` returns.
    @inlinable public mutating func appendWithUnsafeMutableBytes(
        maximumCount: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows {
        precondition(maximumCount >= 0, "ByteWriter: negative maximumCount")
        try withWritableBuffer(forAppending: maximumCount) { counts, bytes in
            let start = counts.pointee.count
            let written = try body(UnsafeMutableRawBufferPointer(start: bytes + start, count: maximumCount))
            precondition(written >= 0 && written <= maximumCount, "ByteWriter: body wrote out of range")
            counts.pointee.count = start &+ written
        }
    }

    /// Calls `body` with the bytes not yet consumed.
    @inlinable public func withUnsafeReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        // Not `guard let`: binding the buffer is a copy, an atomic retain and release around
        // `body` (a system call on the write path) that the optimiser keeps.
        guard buffer != nil else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        let start = readerIndex
        return try buffer.unsafelyUnwrapped.withUnsafeMutablePointers { counts, bytes in
            try body(UnsafeRawBufferPointer(start: bytes + start, count: counts.pointee.count &- start))
        }
    }

    /// Calls `body` with the bytes not yet consumed, mutable (in-place masking).
    @inlinable public mutating func withUnsafeMutableReadableBytes<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws -> R
    ) rethrows -> R {
        guard buffer != nil else { return try body(UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
        let start = readerIndex
        return try withWritableBuffer(forAppending: 0) { counts, bytes in
            try body(UnsafeMutableRawBufferPointer(start: bytes + start, count: counts.pointee.count &- start))
        }
    }

    /// The unconsumed bytes as an array (tests and diagnostics; allocates).
    public var readableBytes: [UInt8] { withUnsafeReadableBytes { Array($0) } }

    /// Marks `count` bytes as sent. When everything is consumed the writer rewinds,
    /// keeping its capacity.
    @inlinable public mutating func consume(_ count: Int) {
        precondition(count >= 0 && count <= readableCount, "ByteWriter: consumed more than readable")
        readerIndex &+= count
        if readerIndex == self.count { removeAll() }
    }

    /// Empties the writer, keeping the buffer when no copy shares it.
    @inlinable internal mutating func removeAll() {
        readerIndex = 0
        if isKnownUniquelyReferenced(&buffer) {
            buffer?.withUnsafeMutablePointerToHeader { $0.pointee.count = 0 }
        } else {
            buffer = nil  // a copy holds the bytes: leave them to it
        }
    }

    /// Drops everything; keeps the capacity when it is at most `keepingCapacityUpTo`
    /// bytes, otherwise frees it (idle connections must not hold large buffers).
    public mutating func reset(keepingCapacityUpTo limit: Int = .max) {
        if capacity <= limit {
            removeAll()
        } else {
            readerIndex = 0
            buffer = nil
        }
    }

    /// Drops the last `count` readable bytes (an attempt that is taken back).
    mutating func removeLastReadable(_ count: Int) {
        precondition(count >= 0 && count <= readableCount, "ByteWriter: removed more than readable")
        guard count > 0 else { return }
        withWritableBuffer(forAppending: 0) { counts, _ in counts.pointee.count &-= count }
    }

    /// Moves unconsumed bytes to the front so the backing store does not grow when a
    /// peer drains slowly. Call when `readerIndex` is large relative to the count.
    public mutating func compact() {
        guard readerIndex > 0 else { return }
        let start = readerIndex
        let remaining = readableCount
        withWritableBuffer(forAppending: 0) { counts, bytes in
            UnsafeMutableRawPointer(bytes).copyMemory(from: bytes + start, byteCount: remaining)  // memmove
            counts.pointee.count = remaining
        }
        readerIndex = 0
    }
}
