/// Growable byte output with a read cursor.
///
/// Frames are appended at the end and flushed from the front; once everything is
/// consumed both indices reset, so a writer that is reused allocates nothing in steady
/// state. The shell hands one to the protocol core as `inout` output.
public struct ByteWriter: Sendable {
    /// Backing bytes; `storage[readerIndex...]` is what is still to be sent.
    @usableFromInline internal var storage: [UInt8]
    /// Index of the first byte not yet consumed.
    @usableFromInline internal var readerIndex: Int

    /// Creates an empty writer that reserves `capacity` bytes up front.
    public init(capacity: Int = 0) {
        storage = []
        storage.reserveCapacity(capacity)
        readerIndex = 0
    }

    /// Bytes appended and not yet consumed.
    @inlinable public var readableCount: Int { storage.count - readerIndex }

    /// True when nothing is waiting to be consumed.
    @inlinable public var isEmpty: Bool { storage.count == readerIndex }

    /// Bytes the backing store can hold without reallocating.
    public var capacity: Int { storage.capacity }

    /// Appends one byte.
    @inlinable public mutating func append(_ byte: UInt8) {
        storage.append(byte)
    }

    /// Appends a run of bytes (one `memcpy`).
    @inlinable public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        storage.append(contentsOf: bytes)
    }

    /// Appends the bytes of any sequence (tests, small literals).
    @inlinable public mutating func append<S: Sequence>(contentsOf bytes: S) where S.Element == UInt8 {
        storage.append(contentsOf: bytes)
    }

    /// Appends a big-endian 16-bit integer (network order).
    @inlinable public mutating func appendBigEndian(_ value: UInt16) {
        storage.append(UInt8(truncatingIfNeeded: value >> 8))
        storage.append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a big-endian 64-bit integer (network order).
    @inlinable public mutating func appendBigEndian(_ value: UInt64) {
        var shift: UInt64 = 56
        while true {
            storage.append(UInt8(truncatingIfNeeded: value >> shift))
            if shift == 0 { break }
            shift -= 8
        }
    }

    /// Reserves `maximumCount` bytes at the end, lets `body` fill a prefix of them and
    /// keeps exactly the number of bytes `body` returns.
    @inlinable public mutating func appendWithUnsafeMutableBytes(
        maximumCount: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows {
        let start = storage.count
        storage.append(contentsOf: repeatElement(0, count: maximumCount))
        let written = try storage.withUnsafeMutableBytes { raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + maximumCount)]))
        }
        precondition(written >= 0 && written <= maximumCount, "ByteWriter: body wrote out of range")
        storage.removeLast(maximumCount - written)
    }

    /// Calls `body` with the bytes not yet consumed.
    @inlinable public func withUnsafeReadableBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[readerIndex...]))
        }
    }

    /// Calls `body` with the bytes not yet consumed, mutable (in-place masking).
    @inlinable public mutating func withUnsafeMutableReadableBytes<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws -> R
    ) rethrows -> R {
        let start = readerIndex
        return try storage.withUnsafeMutableBytes { raw in
            try body(UnsafeMutableRawBufferPointer(rebasing: raw[start...]))
        }
    }

    /// The unconsumed bytes as an array (tests and diagnostics; allocates).
    public var readableBytes: [UInt8] { Array(storage[readerIndex...]) }

    /// Marks `count` bytes as sent. When everything is consumed the writer rewinds,
    /// keeping its capacity.
    @inlinable public mutating func consume(_ count: Int) {
        precondition(count >= 0 && count <= readableCount, "ByteWriter: consumed more than readable")
        readerIndex += count
        if readerIndex == storage.count {
            storage.removeAll(keepingCapacity: true)
            readerIndex = 0
        }
    }

    /// Drops everything; keeps the capacity when it is at most `keepingCapacityUpTo`
    /// bytes, otherwise frees it (idle connections must not hold large buffers).
    public mutating func reset(keepingCapacityUpTo limit: Int = .max) {
        readerIndex = 0
        if storage.capacity <= limit {
            storage.removeAll(keepingCapacity: true)
        } else {
            storage = []
        }
    }

    /// Moves unconsumed bytes to the front so the backing store does not grow when a
    /// peer drains slowly. Call when `readerIndex` is large relative to the count.
    public mutating func compact() {
        guard readerIndex > 0 else { return }
        storage.removeFirst(readerIndex)
        readerIndex = 0
    }
}
