/// The RSV1 ("Per-Message Compressed") rules of RFC 7692 §6, for the frame decoder and
/// endpoint to apply when permessage-deflate was agreed.
public enum DeflateFrameRule {
    /// What RSV1 on a received frame means.
    public enum Verdict: Sendable, Equatable {
        /// A data message that is not compressed (or a frame that carries no RSV1).
        case uncompressed
        /// The first frame of a compressed message: run its fragments through an `Inflater`.
        case compressedMessageStart
        /// RSV1 where RFC 7692 §6 forbids it: fail the connection with `closeCodeValue`.
        case violation(Violation)
    }

    /// An RSV1 bit that must fail the connection.
    public enum Violation: Error, Sendable, Equatable {
        /// RSV1 on a control frame (close, ping, pong).
        case compressedControlFrame
        /// RSV1 on a continuation frame.
        case compressedContinuationFrame
        /// RSV1 without permessage-deflate agreed: RFC 6455 §5.2 "If a nonzero value is
        /// received and none of the negotiated extensions defines the meaning of such a
        /// nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_."
        case notNegotiated

        /// 1002 "Protocol Error" (RFC 6455 §7.4.1): the framing rules were broken.
        public var closeCodeValue: UInt16 { 1002 }
    }

    /// Classifies a received frame by its RSV1 bit.
    ///
    /// - Parameters:
    ///   - rsv1: the frame's RSV1 bit.
    ///   - isControlFrame: opcode is close, ping or pong (0x8...0xF).
    ///   - isContinuationFrame: opcode is continuation (0x0).
    ///   - deflateAgreed: permessage-deflate was negotiated for this connection.
    public static func classify(rsv1: Bool, isControlFrame: Bool, isContinuationFrame: Bool, deflateAgreed: Bool) -> Verdict {
        guard rsv1 else { return .uncompressed }
        guard deflateAgreed else { return .violation(.notNegotiated) }
        // RFC 7692 §6: "An endpoint MUST NOT set the "Per-Message Compressed" bit of
        // control frames and non-first fragments of a data message. An endpoint receiving
        // such a frame MUST _Fail the WebSocket Connection_."
        if isControlFrame { return .violation(.compressedControlFrame) }
        if isContinuationFrame { return .violation(.compressedContinuationFrame) }
        return .compressedMessageStart
    }

    /// RFC 7692 §6: a control frame with RSV1 set must fail the connection.
    public static func isCompressedControlFrame(rsv1: Bool, isControlFrame: Bool) -> Bool {
        rsv1 && isControlFrame
    }
}
