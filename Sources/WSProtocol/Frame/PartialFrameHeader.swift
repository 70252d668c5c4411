/// Up to 14 header bytes collected across reads, stored inline (no allocation).
struct PartialFrameHeader: Sendable {
    private var words: (UInt64, UInt64) = (0, 0)
    /// Bytes collected so far.
    private(set) var count: UInt8 = 0

    /// Header length implied by the second byte (length form and MASK bit).
    static func requiredLength(secondByte b1: UInt8) -> Int {
        let lengthBytes: Int
        switch b1 & 0x7F {
        case 126: lengthBytes = 2
        case 127: lengthBytes = 8
        default: lengthBytes = 0
        }
        return 2 + lengthBytes + (b1 & 0x80 != 0 ? 4 : 0)
    }

    /// Bytes needed for a complete header: 2 until the second byte is known, then exact.
    var requiredLength: Int {
        guard count >= 2 else { return 2 }
        return withBytes { PartialFrameHeader.requiredLength(secondByte: $0[1]) }
    }

    /// Appends bytes; the caller never exceeds `requiredLength`.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let start = Int(count)
        precondition(start + bytes.count <= FrameHeader.maximumEncodedLength, "PartialFrameHeader: overflow")
        withUnsafeMutableBytes(of: &words) { raw in
            for (i, byte) in bytes.enumerated() { raw[start + i] = byte }
        }
        count += UInt8(bytes.count)
    }

    /// Calls `body` with the collected bytes.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: words) { raw in body(UnsafeRawBufferPointer(rebasing: raw[0..<Int(count)])) }
    }
}
