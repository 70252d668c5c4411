/// Why this endpoint failed the WebSocket connection (RFC 6455 §7.1.7).
///
/// A peer's error is data, not an exception: the receive path returns it in
/// `EndpointEvent.failed` and sends a Close frame with `closeCode`, the one mapping of each
/// case to the wire.
public enum ProtocolViolation: Error, Equatable, Hashable, Sendable {
    /// A server received an unmasked frame (RFC 6455 §5.1).
    case unmaskedClientFrame
    /// A client received a masked frame (RFC 6455 §5.1).
    case maskedServerFrame
    /// A control frame had FIN = 0 (RFC 6455 §5.5).
    case fragmentedControlFrame
    /// A control frame's payload was longer than 125 bytes (RFC 6455 §5.5).
    case controlFrameTooLong
    /// RSV1-3 were set without a negotiated extension giving them meaning (RFC 6455 §5.2).
    case reservedBitsSet
    /// A reserved opcode (3-7, 11-15) was received (RFC 6455 §5.2).
    case reservedOpcode
    /// A continuation frame arrived with no message in progress (RFC 6455 §5.4).
    case unexpectedContinuation
    /// A text or binary frame arrived while a fragmented message was in progress (RFC 6455 §5.4).
    case expectedContinuation
    /// A text message (or close reason) was not valid UTF-8 (RFC 6455 §8.1).
    case invalidUTF8
    /// A frame announced a payload larger than `Limits.maxFrameSize`.
    case frameTooBig(limit: Int)
    /// A message would exceed `Limits.maxMessageSize`.
    case messageTooBig(limit: Int)
    /// A Close frame carried a code that must not appear on the wire (RFC 6455 §7.4).
    case invalidCloseCode(UInt16)
    /// A Close frame's payload was 1 byte long (RFC 6455 §5.5.1: a body starts with a 2-byte code).
    case invalidClosePayloadLength
    /// A 64-bit payload length had its most significant bit set (RFC 6455 §5.2).
    case lengthTopBitSet
    /// A negotiated extension could not decode a message (e.g. a corrupt deflate stream).
    case invalidExtensionData
    /// A negotiated extension failed locally (e.g. zlib out of memory); not the peer's
    /// fault, but the message is lost and the connection must close.
    case extensionInternalError

    /// The close code this endpoint sends when it fails the connection for this reason.
    public var closeCode: CloseCode {
        switch self {
        case .unmaskedClientFrame, .maskedServerFrame, .fragmentedControlFrame, .controlFrameTooLong,
             .reservedBitsSet, .reservedOpcode, .unexpectedContinuation, .expectedContinuation,
             .invalidCloseCode, .invalidClosePayloadLength, .lengthTopBitSet:
            return .protocolError
        case .invalidUTF8, .invalidExtensionData:
            return .invalidFramePayloadData
        case .frameTooBig, .messageTooBig:
            return .messageTooBig
        case .extensionInternalError:
            return .internalError
        }
    }

    /// A short English reason for the Close frame (≤ 123 bytes).
    public var reason: String {
        switch self {
        case .unmaskedClientFrame: return "client frame not masked"
        case .maskedServerFrame: return "server frame masked"
        case .fragmentedControlFrame: return "fragmented control frame"
        case .controlFrameTooLong: return "control frame payload over 125 bytes"
        case .reservedBitsSet: return "reserved bits set"
        case .reservedOpcode: return "reserved opcode"
        case .unexpectedContinuation: return "continuation frame without a message"
        case .expectedContinuation: return "new message inside a fragmented message"
        case .invalidUTF8: return "invalid UTF-8"
        case .frameTooBig(let limit): return "frame larger than \(limit) bytes"
        case .messageTooBig(let limit): return "message larger than \(limit) bytes"
        case .invalidCloseCode(let code): return "invalid close code \(code)"
        case .invalidClosePayloadLength: return "close payload of 1 byte"
        case .lengthTopBitSet: return "64-bit length with top bit set"
        case .invalidExtensionData: return "extension could not decode message"
        case .extensionInternalError: return "extension failed"
        }
    }
}
