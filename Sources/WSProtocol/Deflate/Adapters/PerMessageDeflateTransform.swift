/// permessage-deflate (RFC 7692) as the `MessageTransform` of a `WebSocketEndpoint`, for
/// either end: the server's, or (with `role: .client`) the soak client's and the tests'.
///
/// Created by the shell after a handshake that accepted permessage-deflate:
///
///     let parameters = DeflateParameters(response: acceptedExtension)   // or agreement.parameters
///     let transform = PerMessageDeflateTransform(parameters: parameters, configuration: config)
///     let endpoint = WebSocketEndpoint(role: .server, limits: limits, transform: transform)
///
/// The endpoint admits RSV1 on the first frame of a data message (`claimedReservedBits`) and
/// passes every frame of such a message to `decode`; `encode` compresses outgoing messages
/// (or leaves them alone below the threshold). A class because the zlib streams have
/// identity; one instance belongs to one endpoint and is used on that endpoint's thread.
public final class PerMessageDeflateTransform: MessageTransform {
    /// The agreed parameters this transform runs with.
    public let parameters: DeflateParameters
    private var inflater: Inflater
    private var deflater: Deflater
    /// Holds one compressed outgoing message between `compress` and `emit`.
    private var scratch = ByteWriter()
    /// Capacity `scratch` may keep between messages (an idle connection keeps no more).
    private let retainedScratchBytes = 4 * 1024

    /// A transform for one connection with the agreed `parameters`, at the `role` end. A
    /// client takes from `configuration` only memLevel, compression level and threshold.
    public init(parameters: DeflateParameters, configuration: DeflateConfiguration, role: Role = .server) {
        self.parameters = parameters
        switch role {
        case .server:
            self.inflater = Inflater(parameters: parameters)
            self.deflater = Deflater(parameters: parameters, configuration: configuration)
        case .client:
            // RFC 7692 §7.1.2.1: the server compresses with at most server_max_window_bits;
            // the client's inflater needs that window.
            self.inflater = Inflater(
                windowBits: parameters.serverMaxWindowBits, noContextTakeover: parameters.serverNoContextTakeover)
            // RFC 7692 §7.1.2.2: the client compresses with at most client_max_window_bits
            // (8 makes a deflater that never compresses, as zlib cannot use that window).
            self.deflater = Deflater(
                windowBits: parameters.clientMaxWindowBits, memLevel: configuration.memLevel,
                level: configuration.compressionLevel, noContextTakeover: parameters.clientNoContextTakeover,
                compressionThreshold: configuration.compressionThreshold)
        }
    }

    /// RFC 7692 §6: permessage-deflate owns RSV1, the "Per-Message Compressed" bit.
    public var claimedReservedBits: UInt8 { FrameHeader.rsv1 }

    /// zlib memory held right now by both directions (see `DeflateMemory`).
    public var allocatedBytes: Int { inflater.allocatedBytes + deflater.allocatedBytes }

    /// RFC 7692 §7.2.2: inflates one run of a compressed message (see `Inflater.inflate`).
    public func decode(
        _ payload: UnsafeRawBufferPointer, isFinalFragment: Bool, into output: inout ByteWriter, limit: Int
    ) throws(MessageTransformError) {
        do {
            try inflater.inflate(payload, isFinalFragment: isFinalFragment, into: &output, limit: limit)
        } catch {
            switch error {
            case .messageTooBig: throw .limitExceeded
            case .corruptStream, .unterminatedMessage: throw .invalidData
            case .outOfMemory: throw .internalFailure
            }
        }
    }

    /// RFC 7692 §7.2.1: compresses a whole outgoing message, or sends it as it is.
    public func encode(_ message: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer, _ reservedBits: UInt8) -> Void) {
        defer { scratch.reset(keepingCapacityUpTo: retainedScratchBytes) }
        switch deflater.compress(message, into: &scratch) {
        case .compressed:
            // RFC 7692 §6: RSV1 on the (first and only) frame of a compressed message.
            scratch.withUnsafeReadableBytes { emit($0, FrameHeader.rsv1) }
        case .uncompressed:
            emit(message, 0)
        }
    }
}
