/// How the server negotiates and runs permessage-deflate (RFC 7692). One value per server.
///
/// The defaults keep an idle compressed connection small (see `DeflateMemory`): the server
/// compresses without context takeover, so its deflater is released between messages (and
/// one deflater can serve a channel fan-out); the inflater keeps the client's window only
/// when the client uses context takeover, and asks the client for a 4 KiB window.
public struct DeflateConfiguration: Sendable, Equatable {
    /// Whether the server accepts permessage-deflate offers at all.
    public var isEnabled: Bool
    /// Largest LZ77 window the server compresses with, as base-2 logarithm (9...15).
    /// The negotiated value is the smaller of this and the client's `server_max_window_bits`.
    /// Deflater memory grows as 2^(bits+2) bytes. Default 12 (a 4 KiB window): messages of
    /// this application are small JSON documents, for which a larger window gains < 1 %.
    public var serverMaxWindowBits: Int
    /// Largest LZ77 window the server asks clients to compress with (8...15), sent as
    /// `client_max_window_bits` when the offer allows it (RFC 7692 §7.1.2.2). The inflater
    /// memory is 2^bits bytes plus about 7 KiB. Default 12.
    public var clientMaxWindowBits: Int
    /// zlib `memLevel` of the deflater (1...9): hash table and pending-buffer size, each
    /// 2^(memLevel+8) bytes. Default 5 (zlib's own default is 8).
    public var memLevel: Int
    /// zlib compression level (0...9). Default 6, zlib's speed/ratio default.
    public var compressionLevel: Int
    /// Always compress without context takeover and say so in the response
    /// (`server_no_context_takeover`, RFC 7692 §7.1.1.1). Default true: the deflater holds
    /// no memory between messages, and one compressed payload fits every subscriber.
    public var serverNoContextTakeover: Bool
    /// Ask clients not to use context takeover (`client_no_context_takeover`, RFC 7692
    /// §7.1.1.2), so the inflater is released between messages. Default false: client
    /// messages are small and repetitive and gain most from the shared window.
    public var requestClientNoContextTakeover: Bool
    /// Messages with fewer bytes than this are sent uncompressed. Default 128: below that,
    /// the DEFLATE block overhead and CPU cost outweigh the saving on small JSON messages.
    public var compressionThreshold: Int

    /// A configuration with the documented defaults; every argument can be overridden.
    public init(
        isEnabled: Bool = true,
        serverMaxWindowBits: Int = 12,
        clientMaxWindowBits: Int = 12,
        memLevel: Int = 5,
        compressionLevel: Int = 6,
        serverNoContextTakeover: Bool = true,
        requestClientNoContextTakeover: Bool = false,
        compressionThreshold: Int = 128
    ) {
        precondition(9...15 ~= serverMaxWindowBits, "serverMaxWindowBits must be 9...15 (zlib cannot compress raw DEFLATE with 8)")
        precondition(DeflateParameters.validWindowBits ~= clientMaxWindowBits, "clientMaxWindowBits must be 8...15")
        precondition(1...9 ~= memLevel, "memLevel must be 1...9")
        precondition(0...9 ~= compressionLevel, "compressionLevel must be 0...9")
        precondition(compressionThreshold >= 0, "compressionThreshold must not be negative")
        self.isEnabled = isEnabled
        self.serverMaxWindowBits = serverMaxWindowBits
        self.clientMaxWindowBits = clientMaxWindowBits
        self.memLevel = memLevel
        self.compressionLevel = compressionLevel
        self.serverNoContextTakeover = serverNoContextTakeover
        self.requestClientNoContextTakeover = requestClientNoContextTakeover
        self.compressionThreshold = compressionThreshold
    }

    /// Permessage-deflate switched off: every offer is declined.
    public static let disabled = DeflateConfiguration(isEnabled: false)
}
