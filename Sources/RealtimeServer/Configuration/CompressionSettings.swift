import CoachingCore
import WSProtocol

/// permessage-deflate settings as configured (`compression.*` keys), validated before they
/// become WSProtocol's `DeflateConfiguration` (whose initializer traps on bad values).
public struct CompressionSettings: Sendable, Equatable {
    /// Accept permessage-deflate offers (`compression.enabled`).
    public var enabled = true
    /// Window the server compresses with, log2 bytes, 9...15 (`compression.server_max_window_bits`).
    public var serverMaxWindowBits = 12
    /// Window clients are asked to compress with, 8...15 (`compression.client_max_window_bits`).
    public var clientMaxWindowBits = 12
    /// zlib memLevel of the compressor, 1...9 (`compression.mem_level`).
    public var memLevel = 5
    /// zlib level, 0...9 (`compression.level`).
    public var level = 6
    /// Compress every message on its own (`compression.server_no_context_takeover`): no
    /// compressor memory between messages, and one compressed payload serves a whole fan-out.
    public var serverNoContextTakeover = true
    /// Ask clients to do the same (`compression.request_client_no_context_takeover`).
    public var requestClientNoContextTakeover = false
    /// Messages shorter than this go uncompressed (`compression.threshold_bytes`).
    public var thresholdBytes = 128

    public init() {}

    func validate() throws(ConfigurationError) {
        if !(9...15).contains(serverMaxWindowBits) {
            throw .invalid(key: "compression.server_max_window_bits", reason: "must be 9...15 (zlib cannot compress with 8)")
        }
        if !(8...15).contains(clientMaxWindowBits) { throw .invalid(key: "compression.client_max_window_bits", reason: "must be 8...15") }
        if !(1...9).contains(memLevel) { throw .invalid(key: "compression.mem_level", reason: "must be 1...9") }
        if !(0...9).contains(level) { throw .invalid(key: "compression.level", reason: "must be 0...9") }
        if thresholdBytes < 0 { throw .invalid(key: "compression.threshold_bytes", reason: "must be ≥ 0") }
    }

    /// The WSProtocol configuration (call after `validate()`).
    var deflateConfiguration: DeflateConfiguration {
        DeflateConfiguration(
            isEnabled: enabled, serverMaxWindowBits: serverMaxWindowBits, clientMaxWindowBits: clientMaxWindowBits,
            memLevel: memLevel, compressionLevel: level, serverNoContextTakeover: serverNoContextTakeover,
            requestClientNoContextTakeover: requestClientNoContextTakeover, compressionThreshold: thresholdBytes)
    }
}
