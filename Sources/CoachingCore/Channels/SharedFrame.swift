public import WSProtocol

/// One complete, pre-encoded server→client WebSocket text frame (RFC 6455 §5.2: header +
/// unmasked payload), immutable and reference-counted, shared by every subscriber on every
/// loop ("serialize once, fan out by reference", STYLE.md example 9).
///
/// A published event is encoded to JSON once and framed once, here; each loop receives the
/// same `SharedFrame` reference and copies ``bytes`` into the output of each subscriber
/// (one `memcpy`), or keeps the reference as a coalesced pending frame for a slow reader.
///
/// Thread-safety: a final class whose stored properties are all immutable `let`s of
/// `Sendable` types, so it is `Sendable` without any unchecked claim.
///
/// ### Compression seam
/// permessage-deflate (RFC 7692) output can be shared only between connections whose
/// compressor state is reset per message (`server_no_context_takeover`) and which use the
/// same window size: for them the compressed frame is identical. The publisher may attach
/// such variants at creation, keyed by ``DeflateVariant``; a loop asks
/// ``frame(for:)`` with the connection's negotiated variant (or `nil`) and gets either the
/// compressed frame or this uncompressed one — which is always valid to send, because an
/// uncompressed message (RSV1 clear) is allowed on a deflate connection (RFC 7692 §6).
/// Connections with context takeover get the uncompressed frame (compressing per
/// subscriber would defeat "serialize once").
public final class SharedFrame: Sendable {
    /// Parameters under which a compressed frame is byte-identical for every connection.
    public struct DeflateVariant: Hashable, Sendable {
        /// The negotiated `server_max_window_bits` (8…15).
        public var serverMaxWindowBits: UInt8

        public init(serverMaxWindowBits: UInt8) {
            self.serverMaxWindowBits = serverMaxWindowBits
        }
    }

    /// The whole frame: header then payload, ready for a socket.
    public let bytes: [UInt8]
    /// Length of the JSON payload inside ``bytes``.
    public let payloadCount: Int
    /// Compressed variants of the same message (RSV1 set), possibly empty.
    public let deflated: [DeflateVariant: SharedFrame]

    /// Frames `payload` (UTF-8 JSON) as one unmasked, final text frame.
    public convenience init(textPayload payload: UnsafeRawBufferPointer, deflated: [DeflateVariant: SharedFrame] = [:]) {
        var writer = ByteWriter(capacity: payload.count + 10)
        FrameEncoder.writeFrame(opcode: .text, payload: payload, into: &writer)
        self.init(frameBytes: writer.readableBytes, payloadCount: payload.count, deflated: deflated)
    }

    /// Frames `payload` (UTF-8 JSON) as one unmasked, final text frame.
    public convenience init(textPayload payload: [UInt8], deflated: [DeflateVariant: SharedFrame] = [:]) {
        let bytes = payload.withUnsafeBytes { raw in
            var writer = ByteWriter(capacity: raw.count + 10)
            FrameEncoder.writeFrame(opcode: .text, payload: raw, into: &writer)
            return writer.readableBytes
        }
        self.init(frameBytes: bytes, payloadCount: payload.count, deflated: deflated)
    }

    /// Wraps bytes that already form one complete frame (e.g. a compressed frame with RSV1
    /// set, written by the deflate path).
    public init(frameBytes: [UInt8], payloadCount: Int, deflated: [DeflateVariant: SharedFrame] = [:]) {
        precondition(payloadCount >= 0 && payloadCount <= frameBytes.count, "SharedFrame: payload longer than frame")
        bytes = frameBytes
        self.payloadCount = payloadCount
        self.deflated = deflated
    }

    /// The frame to send on a connection that negotiated `variant` (`nil`: no shared
    /// compression): the compressed variant when one was attached, otherwise this frame.
    @inlinable public func frame(for variant: DeflateVariant?) -> SharedFrame {
        guard let variant, let compressed = deflated[variant] else { return self }
        return compressed
    }

    /// Appends the whole frame to a connection's output (one `memcpy`).
    @inlinable public func write(into output: inout ByteWriter) {
        bytes.withUnsafeBytes { output.append($0) }
    }

    /// The JSON payload (tests, diagnostics; allocates).
    public var payload: [UInt8] { Array(bytes[(bytes.count - payloadCount)...]) }
}
