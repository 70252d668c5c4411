/// The local end of a WebSocket connection (RFC 6455 §5-§7) as a value-type state machine.
///
/// Bytes go in through `nextEvent(from:consumed:output:)`, events come out one per call,
/// protocol replies (Pong, Close) are appended to a caller-owned `ByteWriter`, and
/// `transportDirective` tells the shell when to close the TCP connection. No I/O, clocks or
/// threads; the shell owns the close timeout (see `isAwaitingCloseReply`).
///
/// Hot path: a frame wholly inside the caller's buffer is unmasked in place and delivered as
/// a pointer into that buffer, with no copy and no allocation. Only a frame split across
/// reads, or a fragmented or extension-transformed message, is copied into the endpoint's
/// storage, which is emptied (and freed above `Limits.retainedBufferCapacity`) on the call
/// after delivery.
///
/// `~Copyable`: the endpoint owns its receive storage and its extension state, and a copy of
/// a connection's state machine would be a bug.
///
/// Every connection holds one inline, so the stored layout is kept small (90 bytes;
/// `EndpointLayoutTests`): what only extensions and clients need is boxed in
/// `EndpointExtras`, the receive storage is one pointer, each limit is stored once, and the
/// properties are declared widest first (Swift lays a struct out in declaration order).
public struct WebSocketEndpoint: ~Copyable {
    var decoder: FrameDecoder
    var assembler: MessageAssembler
    /// `Limits.retainedBufferCapacity`, clamped to 4 GiB.
    let retainedBufferCapacity: UInt32
    /// `Limits.maxMessageSize` (the frame limit is the decoder's).
    let maxMessageSize: Int
    var storage = ReceiveBuffer()
    /// The negotiated extension and a client's masking keys; nil for a plain server endpoint.
    let extras: EndpointExtras?
    /// Where the endpoint is in the connection's life.
    public internal(set) var state: EndpointState = .open
    /// Storage to release at the start of the next call (delivered payloads stay valid until then).
    var pendingRelease = PendingRelease.nothing

    enum PendingRelease: UInt8 {
        case nothing
        /// The control payload stored from `storage.controlStart` on.
        case controlPayload
        case message
    }

    /// Creates an endpoint for an established connection.
    ///
    /// - Parameters:
    ///   - role: `.server` (default) expects masked frames; `.client` masks what it sends.
    ///   - limits: frame and message size limits.
    ///   - transform: the negotiated extension (permessage-deflate), which makes its RSV bits legal.
    ///   - maskingKeys: required for `.client`: a cryptographically secure generator.
    public init(
        role: Role = .server, limits: Limits = .init(), transform: (any MessageTransform)? = nil,
        maskingKeys: (any RandomNumberGenerator)? = nil
    ) {
        precondition(role == .server || maskingKeys != nil, "WebSocketEndpoint: a client needs masking keys")
        decoder = FrameDecoder(
            role: role, maxFrameSize: limits.maxFrameSize, allowedReservedBits: transform?.claimedReservedBits ?? 0)
        assembler = MessageAssembler()
        retainedBufferCapacity = UInt32(clamping: limits.retainedBufferCapacity)
        maxMessageSize = limits.maxMessageSize
        extras = transform == nil && maskingKeys == nil
            ? nil : EndpointExtras(transform: transform, maskingKeys: maskingKeys)
    }

    /// The side this endpoint plays.
    public var role: Role { decoder.role }

    /// The limits enforced on received frames and messages (`retainedBufferCapacity`
    /// clamped to 4 GiB).
    public var limits: Limits {
        Limits(
            maxFrameSize: decoder.maxFrameSize, maxMessageSize: maxMessageSize,
            retainedBufferCapacity: Int(retainedBufferCapacity))
    }

    /// What the shell must do with the transport after flushing the output.
    public var transportDirective: TransportDirective {
        switch state {
        case .open, .closeSent: return .none
        case .closed: return .closeAfterFlush
        }
    }

    /// True after we sent a Close and before the peer's reply: the shell arms its close timer.
    public var isAwaitingCloseReply: Bool { state == .closeSent }

    /// Bytes of receive storage currently allocated (0 for an idle endpoint past its
    /// retained capacity, or after `releaseRetainedStorage()`; tests and metrics).
    public var bufferedCapacity: Int { storage.capacity + (extras?.transformOutput.capacity ?? 0) }

    /// Frees the receive storage kept for reuse (at most `Limits.retainedBufferCapacity`
    /// bytes after a frame split across reads) unless a partial message or control frame is
    /// still held. The shell calls it for a connection that went quiet, so that an idle
    /// endpoint holds no buffer; a busy one keeps reusing its storage. Payload pointers from
    /// the previous call become invalid.
    public mutating func releaseRetainedStorage() {
        releasePending()
        guard storage.count == 0 else { return }
        storage.removeAll(retainingUpTo: 0)
        extras?.transformOutput.reset(keepingCapacityUpTo: 0)
    }

    /// Decodes the next event from `bytes[consumed...]`, unmasking in place, and advances
    /// `consumed`.
    ///
    /// On `.needMoreData` every byte has been consumed (a partial frame is kept inside the
    /// endpoint). Payload pointers are valid until the next call on this endpoint or until
    /// `bytes` is reused. Protocol replies are appended to `output`. After the connection is
    /// closed or failed, input is discarded and only `.needMoreData` is returned.
    public mutating func nextEvent(
        from bytes: UnsafeMutableRawBufferPointer, consumed: inout Int, output: inout ByteWriter
    ) -> EndpointEvent {
        precondition(consumed >= 0 && consumed <= bytes.count, "WebSocketEndpoint: consumed out of range")
        releasePending()
        if case .closed = state {
            // RFC 6455 §7.1.7 / §5.5.1: after the connection is failed or closed, further
            // data is discarded.
            consumed = bytes.count
            return .needMoreData
        }
        if consumed == bytes.count, decoder.isBetweenPayloads { return .needMoreData }
        if let event = nextWholeFrame(bytes, consumed: &consumed, output: &output) { return event }
        while true {
            switch decoder.next(bytes, consumed: &consumed) {
            case .needMoreData:
                return .needMoreData
            case .failed(let violation):
                consumed = bytes.count
                return failConnection(violation, output: &output)
            case .header(let header):
                if !header.opcode.isControl,
                   let violation = assembler.receivedHeader(
                       header, claimedBits: decoder.allowedReservedBits, maxMessageSize: maxMessageSize) {
                    consumed = bytes.count
                    return failConnection(violation, output: &output)
                }
            case .payload(let header, let run, let isFirst, let isLast):
                if let event = receivedPayload(header, run, isFirst: isFirst, isLast: isLast, output: &output) {
                    if case .closed = state { consumed = bytes.count }
                    return event
                }
            }
        }
    }

    /// Handles one run of payload; returns an event when a frame or message completes.
    private mutating func receivedPayload(
        _ header: FrameHeader, _ run: UnsafeMutableRawBufferPointer, isFirst: Bool, isLast: Bool,
        output: inout ByteWriter
    ) -> EndpointEvent? {
        if header.opcode.isControl {
            if isFirst && isLast {
                return receivedControl(header.opcode, UnsafeRawBufferPointer(run), output: &output)
            }
            if isFirst { storage.controlStart = storage.count }
            storage.append(UnsafeRawBufferPointer(run))
            guard isLast else { return nil }
            pendingRelease = .controlPayload
            return receivedControl(header.opcode, storage.bytes(from: storage.controlStart), output: &output)
        }
        let isText = assembler.messageOpcode == .text
        let endsMessage = isLast && header.fin
        if assembler.isTransformed {
            if let violation = decodeTransformed(UnsafeRawBufferPointer(run), isFinal: endsMessage, isText: isText) {
                return failConnection(violation, output: &output)
            }
        } else if isFirst && isLast && header.fin && header.opcode != .continuation {
            // Zero-copy: a whole unfragmented message inside the caller's buffer.
            assembler.completeMessage()
            let payload = UnsafeRawBufferPointer(run)
            guard isText else { return .binary(payload) }
            // RFC 6455 §8.1: when an endpoint is to interpret a byte stream as UTF-8 but finds
            // that the byte stream is not a valid UTF-8 stream, it MUST Fail the connection.
            guard UTF8Validator.isValid(payload) else { return failConnection(.invalidUTF8, output: &output) }
            return .text(payload)
        } else {
            // RFC 6455 §8.1, checked run by run so an invalid byte fails before the rest arrives.
            if isText, !assembler.utf8.validate(UnsafeRawBufferPointer(run)) {
                return failConnection(.invalidUTF8, output: &output)
            }
            storage.append(UnsafeRawBufferPointer(run))
        }
        guard endsMessage else { return nil }
        // RFC 6455 §8.1: a sequence truncated at the end of the message is invalid UTF-8.
        if isText && !assembler.utf8.isComplete { return failConnection(.invalidUTF8, output: &output) }
        assembler.completeMessage()
        pendingRelease = .message
        let message = storage.bytes()
        return isText ? .text(message) : .binary(message)
    }

    /// Passes a run of a transformed message through the extension into `storage`.
    private mutating func decodeTransformed(_ run: UnsafeRawBufferPointer, isFinal: Bool, isText: Bool) -> ProtocolViolation? {
        guard let extras, let transform = extras.transform else { return .reservedBitsSet }
        let limit = maxMessageSize
        do {
            try transform.decode(run, isFinalFragment: isFinal, into: &extras.transformOutput, limit: limit)
        } catch {
            switch error {
            case .invalidData: return .invalidExtensionData
            case .limitExceeded: return .messageTooBig(limit: limit)
            case .internalFailure: return .extensionInternalError
            }
        }
        let budget = limit - storage.count
        guard extras.transformOutput.readableCount <= budget else { return .messageTooBig(limit: limit) }
        let violation: ProtocolViolation? = extras.transformOutput.withUnsafeReadableBytes { decoded in
            if isText, !assembler.utf8.validate(decoded) { return .invalidUTF8 }
            storage.append(decoded)
            return nil
        }
        extras.transformOutput.reset(keepingCapacityUpTo: Int(retainedBufferCapacity))
        return violation
    }

    /// Frees storage whose contents were delivered by the previous call.
    mutating func releasePending() {
        switch pendingRelease {
        case .nothing:
            return
        case .controlPayload:
            let start = storage.controlStart
            if start == 0 {
                storage.removeAll(retainingUpTo: Int(retainedBufferCapacity))
            } else {
                storage.truncate(to: start)
                storage.controlStart = 0
            }
        case .message:
            storage.removeAll(retainingUpTo: Int(retainedBufferCapacity))
        }
        pendingRelease = .nothing
    }
}
