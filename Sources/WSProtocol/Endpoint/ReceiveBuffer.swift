/// The endpoint's own receive storage: a fragmented message, a frame split across reads,
/// or a control frame split across reads (appended after the message bytes).
///
/// One pointer inline, nil while nothing is stored or retained: the capacity, the count and
/// the start of a split control payload live in a header at the front of the allocation, so
/// an idle endpoint pays 8 bytes for its storage instead of 32 (RSS per idle connection).
/// Manually allocated so that a pointer into it stays valid, by construction, until the
/// endpoint's next mutation; `~Copyable` so the allocation has exactly one owner.
struct ReceiveBuffer: ~Copyable {
    /// Bookkeeping at the front of the allocation; the bytes follow it.
    private struct Header {
        /// Bytes the allocation can hold after the header.
        var capacity: Int
        /// Bytes stored.
        var count: Int
        /// Where a control payload split across reads begins (see `controlStart`).
        var controlStart: Int
    }

    /// Header bytes, rounded up so that the stored bytes keep the allocation's 16-byte alignment.
    private static let headerBytes = (MemoryLayout<Header>.stride + 15) & ~15

    private var base: UnsafeMutableRawPointer?

    init() {}

    deinit { base?.deallocate() }

    private var header: UnsafeMutablePointer<Header>? { base?.assumingMemoryBound(to: Header.self) }

    /// Bytes the allocation can hold (0 when nothing is allocated).
    var capacity: Int { header?.pointee.capacity ?? 0 }

    /// Bytes stored.
    var count: Int { header?.pointee.count ?? 0 }

    /// Storage index where a control payload split across reads begins: set at its first
    /// run, read when its last run arrived and when it is released.
    var controlStart: Int {
        get { header?.pointee.controlStart ?? 0 }
        set {
            // Nothing allocated means nothing stored: a control payload then starts at 0.
            guard let header else {
                precondition(newValue == 0, "ReceiveBuffer: controlStart past the stored bytes")
                return
            }
            header.pointee.controlStart = newValue
        }
    }

    /// Appends bytes, growing geometrically.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        let start = count
        reserve(start + bytes.count)
        // `reserve` guarantees an allocation.
        guard let header else { preconditionFailure("ReceiveBuffer: no storage after reserve") }
        (UnsafeMutableRawPointer(header) + Self.headerBytes + start).copyMemory(from: source, byteCount: bytes.count)
        header.pointee.count = start + bytes.count
    }

    /// The stored bytes from `start` to the end.
    func bytes(from start: Int = 0) -> UnsafeRawBufferPointer {
        guard let base, let header else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + Self.headerBytes + start, count: header.pointee.count - start)
    }

    /// Drops bytes after `newCount`.
    mutating func truncate(to newCount: Int) {
        precondition(newCount >= 0 && newCount <= count, "ReceiveBuffer: truncate out of range")
        header?.pointee.count = newCount
    }

    /// Empties the buffer, freeing the allocation when it exceeds `retainedCapacity` bytes.
    mutating func removeAll(retainingUpTo retainedCapacity: Int) {
        guard let header else { return }
        if header.pointee.capacity > retainedCapacity {
            base?.deallocate()
            base = nil
        } else {
            header.pointee.count = 0
            header.pointee.controlStart = 0
        }
    }

    /// Makes room for `needed` bytes in all, growing geometrically.
    private mutating func reserve(_ needed: Int) {
        let capacity = self.capacity
        guard needed > capacity else { return }
        let newCapacity = max(needed, capacity * 2, 64)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: Self.headerBytes + newCapacity, alignment: 16)
        let newHeader = newBase.bindMemory(to: Header.self, capacity: 1)
        if let header {
            newHeader.initialize(to: header.pointee)
            (newBase + Self.headerBytes).copyMemory(from: UnsafeRawPointer(header) + Self.headerBytes, byteCount: header.pointee.count)
            base?.deallocate()
        } else {
            newHeader.initialize(to: Header(capacity: 0, count: 0, controlStart: 0))
        }
        newHeader.pointee.capacity = newCapacity
        base = newBase
    }
}
