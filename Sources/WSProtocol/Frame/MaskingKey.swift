/// The 32-bit masking key of RFC 6455 §5.3.
///
/// Stored as the four key bytes in wire order packed little-endian into a `UInt32`
/// (byte 0 of the key is the least significant byte) so that masking can work a machine word
/// at a time on any host.
public struct MaskingKey: Hashable, Sendable {
    /// Key byte `i` (wire order) is `(packed >> (8 * i)) & 0xFF`.
    public let packed: UInt32

    /// Creates a key from its four bytes in wire order.
    @inlinable public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8) {
        packed = UInt32(b0) | UInt32(b1) << 8 | UInt32(b2) << 16 | UInt32(b3) << 24
    }

    /// Creates a key from its packed little-endian representation.
    @inlinable public init(packed: UInt32) {
        self.packed = packed
    }

    /// The four key bytes in wire order.
    @inlinable public var bytes: [UInt8] {
        [UInt8(truncatingIfNeeded: packed), UInt8(truncatingIfNeeded: packed >> 8),
         UInt8(truncatingIfNeeded: packed >> 16), UInt8(truncatingIfNeeded: packed >> 24)]
    }

    /// RFC 6455 §5.3: the masking key MUST be derived from a strong source of entropy.
    /// Randomness is injected (sans-I/O rule 4); pass a cryptographically secure generator.
    @inlinable public static func random<G: RandomNumberGenerator>(using generator: inout G) -> MaskingKey {
        MaskingKey(packed: generator.next())
    }

    /// XORs `buffer` with the key in place (masking and unmasking are the same operation).
    ///
    /// RFC 6455 §5.3: octet i of the transformed data is octet i of the original data XOR
    /// octet at index i modulo 4 of the masking key. `offset` is the index within the frame
    /// payload of `buffer`'s first byte, so a payload may be unmasked in pieces of any size and
    /// alignment.
    @inlinable public func unmask(_ buffer: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let count = buffer.count
        // Rotate so that the key byte for buffer[0] is the lowest byte.
        let shift = UInt32((offset & 3) * 8)
        let rotated = shift == 0 ? packed : (packed >> shift) | (packed << (32 - shift))
        let key32 = UInt32(littleEndian: rotated)  // memory-order pattern on this host
        let key64 = UInt64(key32) | UInt64(key32) << 32
        var index = 0
        // Four words per iteration; loads and stores are unaligned-safe.
        while index + 32 <= count {
            let p = base + index
            p.storeBytes(of: p.loadUnaligned(as: UInt64.self) ^ key64, as: UInt64.self)
            (p + 8).storeBytes(of: (p + 8).loadUnaligned(as: UInt64.self) ^ key64, as: UInt64.self)
            (p + 16).storeBytes(of: (p + 16).loadUnaligned(as: UInt64.self) ^ key64, as: UInt64.self)
            (p + 24).storeBytes(of: (p + 24).loadUnaligned(as: UInt64.self) ^ key64, as: UInt64.self)
            index += 32
        }
        while index + 8 <= count {
            let p = base + index
            p.storeBytes(of: p.loadUnaligned(as: UInt64.self) ^ key64, as: UInt64.self)
            index += 8
        }
        // Tail: index is a multiple of 8, so key byte (index % 4) == 0 of the rotated key.
        var tailKey = rotated
        while index < count {
            let p = base + index
            p.storeBytes(of: p.load(as: UInt8.self) ^ UInt8(truncatingIfNeeded: tailKey), as: UInt8.self)
            tailKey = (tailKey >> 8) | (tailKey << 24)
            index += 1
        }
    }

    /// Unmasks a whole payload in place (offset 0) like `unmask(_:offset:)` and reports
    /// whether every unmasked byte is ASCII (below 0x80): the receive path's UTF-8 check
    /// needs nothing more for such a payload, so one pass serves both.
    @inlinable public func unmaskReportingASCII(_ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        let count = buffer.count
        let key32 = UInt32(littleEndian: packed)  // memory-order pattern on this host
        let key64 = UInt64(key32) | UInt64(key32) << 32
        var seen: UInt64 = 0
        var index = 0
        while index &+ 16 <= count {
            let p = base + index
            let first = p.loadUnaligned(as: UInt64.self) ^ key64
            let second = (p + 8).loadUnaligned(as: UInt64.self) ^ key64
            p.storeBytes(of: first, as: UInt64.self)
            (p + 8).storeBytes(of: second, as: UInt64.self)
            seen |= first | second
            index &+= 16
        }
        if index &+ 8 <= count {
            let p = base + index
            let word = p.loadUnaligned(as: UInt64.self) ^ key64
            p.storeBytes(of: word, as: UInt64.self)
            seen |= word
            index &+= 8
        }
        // Tail: index is a multiple of 8, so the key byte for it is key byte 0.
        var tailKey = packed
        var tailSeen: UInt8 = 0
        while index < count {
            let p = base + index
            let byte = p.load(as: UInt8.self) ^ UInt8(truncatingIfNeeded: tailKey)
            p.storeBytes(of: byte, as: UInt8.self)
            tailSeen |= byte
            tailKey = (tailKey >> 8) | (tailKey << 24)
            index &+= 1
        }
        return seen & 0x8080_8080_8080_8080 == 0 && tailSeen & 0x80 == 0
    }

    /// Byte-at-a-time reference implementation (tests compare the fast path against it).
    public func unmaskBytewise(_ buffer: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        let key = bytes
        for i in 0..<buffer.count {
            buffer[i] ^= key[(offset + i) & 3]
        }
    }
}
