/// A decoded (or to-be-encoded) frame header (RFC 6455 §5.2).
///
/// Keeps the first byte packed (`FIN`, `RSV1-3`, opcode) and exposes the fields as computed
/// properties; the payload length is already validated to fit the configured frame limit.
public struct FrameHeader: Hashable, Sendable {
    // Declared widest first (Swift lays a struct out in declaration order): 14 bytes, where
    // the narrow-first order took 24 (a decoder holds one inline in every connection).
    /// The payload length in bytes.
    public var payloadLength: Int
    /// The masking key, present exactly when the MASK bit was set.
    public var maskingKey: MaskingKey?
    /// The first header byte: FIN (0x80), RSV1 (0x40), RSV2 (0x20), RSV3 (0x10), opcode.
    public var firstByte: UInt8

    /// Creates a header from its parts.
    public init(fin: Bool, reservedBits: UInt8 = 0, opcode: Opcode, maskingKey: MaskingKey?, payloadLength: Int) {
        precondition(reservedBits & ~FrameHeader.reservedBitsMask == 0, "FrameHeader: reservedBits outside RSV1-3")
        firstByte = (fin ? 0x80 : 0) | reservedBits | opcode.rawValue
        self.maskingKey = maskingKey
        self.payloadLength = payloadLength
    }

    /// Mask of the three RSV bits within the first byte.
    public static let reservedBitsMask: UInt8 = 0x70
    /// RSV1 within the first byte (permessage-deflate's "compressed" bit, RFC 7692).
    public static let rsv1: UInt8 = 0x40

    /// FIN: this is the final fragment of a message.
    @inlinable public var fin: Bool { firstByte & 0x80 != 0 }
    /// The RSV1-3 bits in their first-byte positions (0x40, 0x20, 0x10).
    @inlinable public var reservedBits: UInt8 { firstByte & FrameHeader.reservedBitsMask }
    /// RSV1.
    @inlinable public var rsv1: Bool { firstByte & 0x40 != 0 }
    /// The opcode.
    @inlinable public var opcode: Opcode { Opcode(uncheckedRawValue: firstByte & 0x0F) }
    /// Whether the payload is masked.
    @inlinable public var isMasked: Bool { maskingKey != nil }

    /// Bytes the header occupies on the wire with minimal length encoding.
    @inlinable public var encodedLength: Int {
        FrameHeader.encodedLength(payloadLength: payloadLength, masked: maskingKey != nil)
    }

    /// Bytes of a header for `payloadLength` with minimal length encoding (RFC 6455 §5.2).
    @inlinable public static func encodedLength(payloadLength: Int, masked: Bool) -> Int {
        let lengthBytes = payloadLength <= 125 ? 0 : (payloadLength <= 0xFFFF ? 2 : 8)
        return 2 + lengthBytes + (masked ? 4 : 0)
    }

    /// The largest possible header: 2 + 8 (64-bit length) + 4 (masking key).
    public static let maximumEncodedLength = 14
}
