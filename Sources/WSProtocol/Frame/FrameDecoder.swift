/// Incremental frame parser (RFC 6455 §5.2): header state machine plus payload slicing.
///
/// Accepts the byte stream split at any point. A header that ends a read is kept in a
/// 14-byte inline accumulator (no allocation); payload bytes are never copied: each call
/// returns the next run of payload inside the caller's buffer, unmasked in place. Every
/// header rule is checked as soon as the bytes it depends on are known, before any payload
/// is delivered, so nothing is buffered for a frame that will be refused.
public struct FrameDecoder: Sendable {
    /// What one call to `next(_:consumed:)` produced.
    public enum Event {
        /// All input was consumed without completing a header or reaching payload.
        case needMoreData
        /// A complete, validated header; its payload follows in `.payload` events.
        case header(FrameHeader)
        /// The next run of the current frame's payload, unmasked in place in the caller's
        /// buffer. `isFirst`/`isLast` mark the run that starts/ends the payload; a payload
        /// that arrived whole is one run with both set (an empty payload is one empty run).
        case payload(FrameHeader, UnsafeMutableRawBufferPointer, isFirst: Bool, isLast: Bool)
        /// The header broke a rule; the decoder must not be used again.
        case failed(ProtocolViolation)
    }

    enum State: Sendable {
        case header(PartialFrameHeader)
        case payload(FrameHeader, remaining: Int)
    }

    // Declared widest first (Swift lays a struct out in declaration order): every
    // connection's endpoint holds a decoder inline.
    /// Largest payload length a header may announce.
    public var maxFrameSize: Int
    var state: State = .header(PartialFrameHeader())
    /// The side we play: a server requires masked frames, a client unmasked ones.
    public let role: Role
    /// RSV bits (first-byte positions) given meaning by a negotiated extension.
    public var allowedReservedBits: UInt8

    /// Creates a decoder for `role` with a frame size limit.
    public init(role: Role, maxFrameSize: Int, allowedReservedBits: UInt8 = 0) {
        self.role = role
        self.maxFrameSize = maxFrameSize
        self.allowedReservedBits = allowedReservedBits
    }

    /// True between frames with no partial header buffered.
    public var isAtFrameBoundary: Bool {
        if case .header(let partial) = state { return partial.count == 0 }
        return false
    }

    /// True while reading a header (complete or partial): with no input left, the next
    /// call can only answer `.needMoreData`. (In the payload state an empty payload is
    /// still to be delivered without input.)
    @inline(__always) var isBetweenPayloads: Bool {
        if case .header = state { return true }
        return false
    }

    /// Decodes from `bytes[consumed...]`, advancing `consumed` past what was used.
    public mutating func next(_ bytes: UnsafeMutableRawBufferPointer, consumed: inout Int) -> Event {
        switch state {
        case .payload(let header, let remaining):
            return nextPayload(header, remaining: remaining, bytes, consumed: &consumed)
        case .header(var partial):
            if partial.count == 0, let header = parseWhole(bytes, consumed: &consumed) {
                return header
            }
            while consumed < bytes.count {
                let before = partial.count
                let need = partial.requiredLength - Int(before)
                let take = min(need, bytes.count - consumed)
                partial.append(UnsafeRawBufferPointer(rebasing: bytes[consumed..<(consumed + take)]))
                consumed += take
                if before < 2 && partial.count >= 2,
                   let violation = partial.withBytes({ validateFirstTwo($0[0], $0[1]) }) {
                    return .failed(violation)
                }
                if Int(partial.count) == partial.requiredLength {
                    return partial.withBytes { raw in finishHeader(raw) }
                }
            }
            state = .header(partial)
            return .needMoreData
        }
    }

    /// Fast path: the whole header is in `bytes`; parses it without copying.
    private mutating func parseWhole(_ bytes: UnsafeMutableRawBufferPointer, consumed: inout Int) -> Event? {
        let available = bytes.count - consumed
        guard available >= 2 else { return nil }
        let b1 = bytes[consumed + 1]
        let needed = PartialFrameHeader.requiredLength(secondByte: b1)
        guard available >= needed else { return nil }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[consumed..<(consumed + needed)])
        if let violation = validateFirstTwo(raw[0], b1) { return .failed(violation) }
        consumed += needed
        return finishHeader(raw)
    }

    /// Checks everything the first two bytes decide.
    private func validateFirstTwo(_ b0: UInt8, _ b1: UInt8) -> ProtocolViolation? {
        let opcode = Opcode(uncheckedRawValue: b0 & 0x0F)
        // RFC 6455 §5.2: RSV1-3 MUST be 0 unless an extension is negotiated that defines
        // meanings for non-zero values; otherwise the receiver MUST Fail the connection.
        let rsv = b0 & FrameHeader.reservedBitsMask
        if rsv & ~allowedReservedBits != 0 { return .reservedBitsSet }
        // RFC 6455 §5.2: if an unknown opcode is received, the receiving endpoint MUST Fail
        // the WebSocket Connection.
        if opcode.isReserved { return .reservedOpcode }
        let masked = b1 & 0x80 != 0
        switch role {
        case .server:
            // RFC 6455 §5.1: the server MUST close the connection upon receiving a frame
            // that is not masked.
            if !masked { return .unmaskedClientFrame }
        case .client:
            // RFC 6455 §5.1: a client MUST close a connection if it detects a masked frame.
            if masked { return .maskedServerFrame }
        }
        if opcode.isControl {
            // RFC 6455 §5.5: all control frames MUST have a payload length of 125 bytes or
            // less and MUST NOT be fragmented.
            if b1 & 0x7F > 125 { return .controlFrameTooLong }
            if b0 & 0x80 == 0 { return .fragmentedControlFrame }
            // RSV bits on control frames: no extension we support gives them meaning
            // (RFC 7692 §6: permessage-deflate's RSV1 applies to data frames only).
            if rsv != 0 { return .reservedBitsSet }
        }
        return nil
    }

    /// Builds the header from its complete bytes and moves to the payload state.
    private mutating func finishHeader(_ raw: UnsafeRawBufferPointer) -> Event {
        let b1 = raw[1]
        var index = 2
        var length: UInt64
        switch b1 & 0x7F {
        case 126:
            length = UInt64(raw[2]) << 8 | UInt64(raw[3])
            index = 4
        case 127:
            length = 0
            for i in 2..<10 { length = length << 8 | UInt64(raw[i]) }
            index = 10
            // RFC 6455 §5.2: (if 127) the most significant bit MUST be 0.
            if length & (1 << 63) != 0 { return .failed(.lengthTopBitSet) }
        default:
            length = UInt64(b1 & 0x7F)
        }
        // Non-minimal length encodings are accepted: RFC 6455 §5.2's "the minimal number of
        // bytes MUST be used" binds the sender; the length is bounded by the limit below.
        if length > UInt64(maxFrameSize) { return .failed(.frameTooBig(limit: maxFrameSize)) }
        var key: MaskingKey?
        if b1 & 0x80 != 0 {
            key = MaskingKey(raw[index], raw[index + 1], raw[index + 2], raw[index + 3])
        }
        var header = FrameHeader(fin: true, opcode: .continuation, maskingKey: key, payloadLength: Int(length))
        header.firstByte = raw[0]
        state = .payload(header, remaining: header.payloadLength)
        return .header(header)
    }

    private mutating func nextPayload(
        _ header: FrameHeader, remaining: Int, _ bytes: UnsafeMutableRawBufferPointer, consumed: inout Int
    ) -> Event {
        let offset = header.payloadLength - remaining
        if remaining == 0 {
            state = .header(PartialFrameHeader())
            return .payload(header, UnsafeMutableRawBufferPointer(start: nil, count: 0), isFirst: true, isLast: true)
        }
        let take = min(remaining, bytes.count - consumed)
        guard take > 0 else { return .needMoreData }
        let run = UnsafeMutableRawBufferPointer(rebasing: bytes[consumed..<(consumed + take)])
        header.maskingKey?.unmask(run, offset: offset)
        consumed += take
        let left = remaining - take
        state = left == 0 ? .header(PartialFrameHeader()) : .payload(header, remaining: left)
        return .payload(header, run, isFirst: offset == 0, isLast: left == 0)
    }
}
