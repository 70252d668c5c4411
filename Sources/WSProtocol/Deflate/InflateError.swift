/// Why a compressed message could not be decompressed. Each case has one close code.
public enum InflateError: Error, Sendable, Equatable {
    /// The message inflates to more than `limit` bytes (a zip bomb, or simply too big).
    /// Detected while inflating, chunk by chunk; nothing past the limit is appended.
    case messageTooBig(limit: Int)
    /// zlib reported `Z_DATA_ERROR`: not a valid DEFLATE stream, a distance beyond the
    /// negotiated window (`client_max_window_bits`), or a reference to a previous message
    /// when `client_no_context_takeover` was agreed.
    case corruptStream
    /// The message's data, with 0x00 0x00 0xff 0xff appended (RFC 7692 §7.2.2), does not end
    /// on a DEFLATE block boundary: the sender truncated the stream or did not flush.
    case unterminatedMessage
    /// zlib could not allocate its state (`Z_MEM_ERROR`): a local resource failure.
    case outOfMemory

    /// The RFC 6455 §7.4.1 status code the endpoint closes with.
    ///
    /// - 1009 "Message Too Big" for `messageTooBig`: the limit is a size limit, exactly the
    ///   meaning of 1009; Node's `ws` does the same ("Max payload size exceeded").
    /// - 1007 "Invalid frame payload data" for `corruptStream` and `unterminatedMessage`: the
    ///   frames were well formed but their payload is not consistent with the message type
    ///   (a compressed message). Node's `ws` closes with 1007 on every inflate error; Python
    ///   `websockets` uses 1002. We follow `ws`, as the issue asks, because the fault is in the
    ///   payload data, not in the framing protocol.
    /// - 1011 "Internal Error" for `outOfMemory`: the server could not fulfil the request.
    ///
    /// (`CloseCode` lives in `Frame/CloseCode.swift`, written separately; this returns the
    /// raw value so the two can be joined with `CloseCode(rawValue:)` at integration.)
    public var closeCodeValue: UInt16 {
        switch self {
        case .messageTooBig: 1009
        case .corruptStream, .unterminatedMessage: 1007
        case .outOfMemory: 1011
        }
    }
}
