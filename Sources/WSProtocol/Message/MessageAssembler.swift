/// Fragmentation rules for data frames (RFC 6455 §5.4) and the message size limit.
///
/// Tracks whether a message is in progress, its opcode, whether a negotiated extension
/// transforms it, the wire bytes received so far and the UTF-8 state of a text message.
/// Control frames never touch it: they may be injected between fragments.
///
/// Stored widest first (Swift lays a struct out in declaration order): 12 bytes inside every
/// endpoint. The size limit is the endpoint's, passed in with each header.
struct MessageAssembler: Sendable {
    /// Payload bytes of the message received so far (before any transform).
    private(set) var wireBytes = 0
    /// The opcode of the message in progress (`.text` or `.binary`), nil between messages.
    private(set) var messageOpcode: Opcode?
    /// Whether the message in progress had claimed RSV bits on its first frame.
    private(set) var isTransformed = false
    /// UTF-8 state of the text message in progress.
    var utf8 = UTF8Validator()

    /// True between messages.
    var isIdle: Bool { messageOpcode == nil }

    /// Validates a data frame's header against the message in progress and starts or
    /// extends the message. `claimedBits` are the RSV bits a negotiated extension owns;
    /// `maxMessageSize` is the largest message (the sum of its fragments' payloads).
    mutating func receivedHeader(_ header: FrameHeader, claimedBits: UInt8, maxMessageSize: Int) -> ProtocolViolation? {
        let opcode = header.opcode
        if opcode == .continuation {
            // RFC 6455 §5.4: a fragmented message consists of a single frame with FIN clear
            // and an opcode other than 0, followed by zero or more frames with FIN clear and
            // the opcode set to 0 — a continuation with no message in progress is invalid.
            guard messageOpcode != nil else { return .unexpectedContinuation }
            // RFC 7692 §6.1: an extension's per-message bits are set on the first frame only
            // ("an endpoint MUST NOT set the RSV1 bit on the continuation frames").
            if header.reservedBits != 0 { return .reservedBitsSet }
        } else {
            // RFC 6455 §5.4: the fragments of one message MUST NOT be interleaved between
            // the fragments of another (only control frames may be injected).
            guard messageOpcode == nil else { return .expectedContinuation }
            messageOpcode = opcode
            isTransformed = header.reservedBits & claimedBits != 0
            wireBytes = 0
            utf8.reset()
        }
        // Limit checked from the header, before any payload byte is buffered.
        let (total, overflow) = wireBytes.addingReportingOverflow(header.payloadLength)
        guard !overflow, total <= maxMessageSize else { return .messageTooBig(limit: maxMessageSize) }
        wireBytes = total
        return nil
    }

    /// Ends the message in progress (after its final frame was delivered).
    mutating func completeMessage() {
        messageOpcode = nil
        isTransformed = false
        wireBytes = 0
    }
}
