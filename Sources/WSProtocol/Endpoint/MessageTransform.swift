/// A negotiated extension that transforms message payloads (RFC 6455 §9), the seam where
/// permessage-deflate (RFC 7692) plugs into `WebSocketEndpoint`.
///
/// A frame whose RSV bits are set is legal only when the endpoint was created with a
/// transform claiming those bits. The bits mark a whole message on its first frame; every
/// data frame of such a message is passed to `decode`, run by run as the bytes arrive.
/// A class because extension state (a z_stream) has identity; one transform belongs to one
/// endpoint and is used on that endpoint's thread only. permessage-deflate integrates as a
/// small final class owning an `Inflater` and a `Deflater` (both `~Copyable`), mapping
/// `InflateError` to `MessageTransformError` and `Deflater.compress` to `encode`.
public protocol MessageTransform: AnyObject {
    /// RSV bits in their first-byte positions (e.g. `FrameHeader.rsv1`) this extension owns.
    var claimedReservedBits: UInt8 { get }

    /// Decodes the next run of a transformed message's payload, appending the result to
    /// `output` (which the endpoint drains after every call).
    ///
    /// `isFinalFragment` is true exactly for the last run of the message's final frame
    /// (permessage-deflate appends 00 00 ff ff then). `limit` is the most bytes the whole
    /// message may decode to, the same on every call (`Limits.maxMessageSize`), matching
    /// `Inflater.inflate(_:isFinalFragment:into:limit:)`. Throw `.limitExceeded` rather than
    /// exceed it, `.invalidData` for input that cannot be decoded, `.internalFailure` when a
    /// local resource failed (zlib out of memory).
    func decode(
        _ payload: UnsafeRawBufferPointer, isFinalFragment: Bool, into output: inout ByteWriter, limit: Int
    ) throws(MessageTransformError)

    /// Encodes a whole outgoing message, calling `emit` exactly once with the bytes to put in
    /// a single frame and the RSV bits to set on it (0 to send the message untransformed).
    func encode(_ message: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer, _ reservedBits: UInt8) -> Void)
}

/// Why a `MessageTransform` could not decode a message.
public enum MessageTransformError: Error, Equatable, Sendable {
    /// The payload is not a valid encoding (fails the connection with 1007).
    case invalidData
    /// The decoded message would exceed the limit (fails the connection with 1009).
    case limitExceeded
    /// A local resource failed, e.g. zlib could not allocate (fails the connection with 1011).
    case internalFailure
}
