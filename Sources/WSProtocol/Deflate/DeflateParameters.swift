/// The "agreed parameters" of one permessage-deflate connection (RFC 7692 §7.1), seen from
/// the server: what the server's compressor and the client's compressor may do.
///
/// Produced by `DeflateNegotiation.negotiate(offers:configuration:)`; consumed by
/// `Inflater(parameters:)` (client-to-server direction) and
/// `Deflater(parameters:configuration:)` (server-to-client direction).
public struct DeflateParameters: Sendable, Equatable, Hashable {
    /// RFC 7692 §7.1.1.1: the server resets its LZ77 window after every message.
    public var serverNoContextTakeover: Bool
    /// RFC 7692 §7.1.1.2: the client resets its LZ77 window after every message, so the
    /// server's inflater can be released between messages.
    public var clientNoContextTakeover: Bool
    /// RFC 7692 §7.1.2.1: base-2 logarithm of the largest LZ77 window the server may use
    /// to compress (8...15). 8 means the server sends every message uncompressed, because
    /// zlib cannot compress raw DEFLATE with a 256-byte window (see `compressesOutbound`).
    public var serverMaxWindowBits: Int
    /// RFC 7692 §7.1.2.2: base-2 logarithm of the largest LZ77 window the client may use
    /// to compress (8...15); the server inflates with a window of this size.
    public var clientMaxWindowBits: Int

    /// The defaults of RFC 7692 when an offer and its response carry no parameter:
    /// context takeover in both directions and 32 KiB windows.
    public init(
        serverNoContextTakeover: Bool = false,
        clientNoContextTakeover: Bool = false,
        serverMaxWindowBits: Int = 15,
        clientMaxWindowBits: Int = 15
    ) {
        self.serverNoContextTakeover = serverNoContextTakeover
        self.clientNoContextTakeover = clientNoContextTakeover
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
    }

    /// Window sizes RFC 7692 §7.1.2.1 and §7.1.2.2 allow: "between 8 to 15, inclusive".
    public static let validWindowBits: ClosedRange<Int> = 8...15

    /// Whether the server compresses outbound messages at all.
    ///
    /// zlib (since 1.2.9) refuses raw DEFLATE with `windowBits` 8 (`deflateInit2` returns
    /// `Z_STREAM_ERROR`); older versions silently used 9. Compressing with a 512-byte
    /// window would break the RFC 7692 §7.1.2.1 promise to a client that asked for
    /// `server_max_window_bits=8`. Sending uncompressed messages is always allowed (RSV1 is
    /// chosen per message, RFC 7692 §6), so with 8 the server accepts the offer, still
    /// decompresses what the client sends, and never compresses what it sends.
    public var compressesOutbound: Bool { serverMaxWindowBits >= 9 }

    /// The `Sec-WebSocket-Extensions` response element that states these parameters,
    /// e.g. `permessage-deflate; server_no_context_takeover; client_max_window_bits=12`.
    ///
    /// `includeServerMaxWindowBits` / `includeClientMaxWindowBits` say whether the window
    /// parameters are written; RFC 7692 §7.1.2.2 forbids `client_max_window_bits` in a
    /// response to an offer that did not have it.
    public func responseHeaderValue(includeServerMaxWindowBits: Bool, includeClientMaxWindowBits: Bool) -> String {
        var value = DeflateNegotiation.extensionName
        if serverNoContextTakeover { value += "; server_no_context_takeover" }
        if clientNoContextTakeover { value += "; client_no_context_takeover" }
        if includeServerMaxWindowBits { value += "; server_max_window_bits=\(serverMaxWindowBits)" }
        if includeClientMaxWindowBits { value += "; client_max_window_bits=\(clientMaxWindowBits)" }
        return value
    }
}
