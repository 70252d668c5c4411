/// The endpoint's own receive storage: a fragmented message, a frame split across reads,
/// or a control frame split across reads (appended after the message bytes).
///
/// Manually allocated so that a pointer into it stays valid, by construction, until the
/// endpoint's next mutation; `~Copyable` so the allocation has exactly one owner.
struct ReceiveBuffer: ~Copyable {
    private var base: UnsafeMutableRawPointer?
    /// Bytes the allocation can hold.
    private(set) var capacity = 0
    /// Bytes stored.
    private(set) var count = 0

    init() {}

    deinit { base?.deallocate() }

    /// Appends bytes, growing geometrically.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let needed = count + bytes.count
        if needed > capacity { grow(to: needed) }
        // `grow` guarantees an allocation.
        guard let base else { preconditionFailure("ReceiveBuffer: no storage after grow") }
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count = needed
    }

    /// Makes room for `additional` bytes and lets `body` fill up to that many; keeps what
    /// `body` reports written.
    mutating func append(maximumCount additional: Int, _ body: (UnsafeMutableRawBufferPointer) -> Int) {
        if count + additional > capacity { grow(to: count + additional) }
        guard let base else { return }
        let written = body(UnsafeMutableRawBufferPointer(start: base + count, count: additional))
        precondition(written >= 0 && written <= additional, "ReceiveBuffer: body wrote out of range")
        count += written
    }

    /// The stored bytes from `start` to the end.
    func bytes(from start: Int = 0) -> UnsafeRawBufferPointer {
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + start, count: count - start)
    }

    /// Drops bytes after `newCount`.
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count, "ReceiveBuffer: truncate out of range")
        count = newCount
    }

    /// Empties the buffer, freeing the allocation when it exceeds `retainedCapacity` bytes.
    mutating func removeAll(retainingUpTo retainedCapacity: Int) {
        count = 0
        if capacity > retainedCapacity {
            base?.deallocate()
            base = nil
            capacity = 0
        }
    }

    private mutating func grow(to needed: Int) {
        let newCapacity = max(needed, capacity * 2, 64)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        if let base {
            newBase.copyMemory(from: base, byteCount: count)
            base.deallocate()
        }
        base = newBase
        capacity = newCapacity
    }
}
