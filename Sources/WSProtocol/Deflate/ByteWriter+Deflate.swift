extension ByteWriter {
    /// Removes the last `count` readable bytes (the 0x00 0x00 0xff 0xff a sync flush ends
    /// with, or a compressed attempt that did not pay off). Module-internal.
    mutating func removeLastReadable(_ count: Int) {
        precondition(count >= 0 && count <= readableCount, "ByteWriter: removed more than readable")
        storage.removeLast(count)
    }

    /// The last `count` readable bytes (count ≤ readableCount). Module-internal.
    func lastReadable(_ count: Int) -> ArraySlice<UInt8> {
        precondition(count >= 0 && count <= readableCount, "ByteWriter: asked for more than readable")
        return storage[(storage.count - count)...]
    }
}
