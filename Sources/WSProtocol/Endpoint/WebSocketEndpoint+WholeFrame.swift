/// The fast path for the common input: a whole, unfragmented, masked text or binary frame
/// of up to 64 KiB, between messages, with no extension bits.
///
/// It makes the same decisions as the general path (`FrameDecoder` → `MessageAssembler` →
/// zero-copy delivery) in one pass over the header and one over the payload: unmasking and
/// the ASCII test of the UTF-8 check share the loads. Anything it does not recognise —
/// a partial or invalid header, a control frame, a fragment, RSV bits, a length over a
/// limit, an empty payload, a client endpoint — it leaves untouched for the general path,
/// which reports every violation as before.
extension WebSocketEndpoint {
    /// Delivers the whole frame at `bytes[consumed...]`, or returns nil without changing
    /// anything when the frame is not of the kind described above.
    mutating func nextWholeFrame(
        _ bytes: UnsafeMutableRawBufferPointer, consumed: inout Int, output: inout ByteWriter
    ) -> EndpointEvent? {
        let start = consumed
        let available = bytes.count &- start
        guard available >= 6, let base = bytes.baseAddress else { return nil }
        let b0 = base.load(fromByteOffset: start, as: UInt8.self)
        let b1 = base.load(fromByteOffset: start &+ 1, as: UInt8.self)
        // FIN with no RSV bits and opcode text (0x81) or binary (0x82): an unfragmented data
        // message that no extension transforms. MASK set: RFC 6455 §5.1 requires it of
        // every client frame, so only a server endpoint takes this path.
        guard b0 == 0x81 || b0 == 0x82, b1 & 0x80 != 0, decoder.role == .server,
              assembler.isIdle, decoder.isAtFrameBoundary else { return nil }
        var headerLength = 6
        var length = Int(b1 & 0x7F)
        if length == 126 {
            guard available >= 8 else { return nil }
            length = Int(base.load(fromByteOffset: start &+ 2, as: UInt8.self)) << 8
                | Int(base.load(fromByteOffset: start &+ 3, as: UInt8.self))
            headerLength = 8
        } else if length == 127 || length == 0 {
            return nil
        }
        // The limits the decoder and the assembler check from the header.
        guard length <= decoder.maxFrameSize, length <= maxMessageSize,
              available &- headerLength >= length else { return nil }
        let keyAt = start &+ headerLength &- 4
        let key = MaskingKey(packed: UInt32(littleEndian: (base + keyAt).loadUnaligned(as: UInt32.self)))
        let payload = UnsafeMutableRawBufferPointer(start: base + start + headerLength, count: length)
        consumed = start &+ headerLength &+ length
        guard b0 == 0x81 else {
            key.unmask(payload)
            return .binary(UnsafeRawBufferPointer(payload))
        }
        // RFC 6455 §8.1: a text payload that is not valid UTF-8 MUST Fail the connection.
        // All-ASCII (the unmasking pass saw no high bit) is valid; anything else gets the
        // full check.
        if !key.unmaskReportingASCII(payload), !UTF8Validator.isValid(UnsafeRawBufferPointer(payload)) {
            let event = failConnection(.invalidUTF8, output: &output)
            consumed = bytes.count
            return event
        }
        return .text(UnsafeRawBufferPointer(payload))
    }
}
