import WSProtocol

/// The example frames of RFC 6455 §5.7, byte for byte.
enum RFC6455Examples {
    /// A single-frame unmasked text message "Hello".
    static let unmaskedHello: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
    /// A single-frame masked text message "Hello" (key 37 fa 21 3d).
    static let maskedHello: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
    /// A fragmented unmasked text message: "Hel" then "lo".
    static let fragmentedHelloFirst: [UInt8] = [0x01, 0x03, 0x48, 0x65, 0x6C]
    static let fragmentedHelloSecond: [UInt8] = [0x80, 0x02, 0x6C, 0x6F]
    /// Unmasked Ping with body "Hello".
    static let unmaskedPing: [UInt8] = [0x89, 0x05, 0x48, 0x65, 0x6C, 0x6C, 0x6F]
    /// Masked Pong with body "Hello" (the response to the Ping above).
    static let maskedPong: [UInt8] = [0x8A, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
    /// Header of a 256-byte binary message in a single unmasked frame.
    static let binary256Header: [UInt8] = [0x82, 0x7E, 0x01, 0x00]
    /// Header of a 64 KiB binary message in a single unmasked frame.
    static let binary64KiBHeader: [UInt8] = [0x82, 0x7F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00]
    /// The masking key used by the masked examples.
    static let key = MaskingKey(0x37, 0xFA, 0x21, 0x3D)
}
