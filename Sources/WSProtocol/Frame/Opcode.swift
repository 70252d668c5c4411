/// The 4-bit frame opcode of RFC 6455 §5.2.
///
/// A struct rather than an enum so that reserved values (3–7, 11–15) survive decoding and
/// can be reported; `isReserved` tells them apart from the six defined opcodes.
public struct Opcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The opcode nibble, 0...15.
    public let rawValue: UInt8

    /// Creates an opcode from its nibble; `nil` when `rawValue` does not fit in 4 bits.
    public init?(rawValue: UInt8) {
        guard rawValue <= 0x0F else { return nil }
        self.rawValue = rawValue
    }

    /// Creates an opcode from a value already known to fit in 4 bits.
    @inlinable init(uncheckedRawValue: UInt8) {
        self.rawValue = uncheckedRawValue
    }

    /// %x0, continuation frame.
    public static let continuation = Opcode(uncheckedRawValue: 0x0)
    /// %x1, text frame (UTF-8 payload).
    public static let text = Opcode(uncheckedRawValue: 0x1)
    /// %x2, binary frame.
    public static let binary = Opcode(uncheckedRawValue: 0x2)
    /// %x8, connection close.
    public static let close = Opcode(uncheckedRawValue: 0x8)
    /// %x9, ping.
    public static let ping = Opcode(uncheckedRawValue: 0x9)
    /// %xA, pong.
    public static let pong = Opcode(uncheckedRawValue: 0xA)

    /// RFC 6455 §5.5: control frames are identified by opcodes where the most significant
    /// bit of the opcode is 1.
    @inlinable public var isControl: Bool { rawValue & 0x08 != 0 }

    /// True for %x3-7 and %xB-F, "reserved for further (non-)control frames".
    @inlinable public var isReserved: Bool {
        switch rawValue {
        case 0x0, 0x1, 0x2, 0x8, 0x9, 0xA: return false
        default: return true  // integer switch: the remaining nibbles are all reserved
        }
    }

    /// True for text and binary, the opcodes that may start a message.
    @inlinable public var isDataStart: Bool { rawValue == 0x1 || rawValue == 0x2 }

    public var description: String {
        switch rawValue {
        case 0x0: return "continuation"
        case 0x1: return "text"
        case 0x2: return "binary"
        case 0x8: return "close"
        case 0x9: return "ping"
        case 0xA: return "pong"
        default: return "reserved(0x\(String(rawValue, radix: 16)))"
        }
    }
}
