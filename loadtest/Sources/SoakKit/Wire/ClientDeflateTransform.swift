public import WSProtocol

/// permessage-deflate (RFC 7692) from the client's side, as the `MessageTransform` of a
/// client `WebSocketEndpoint`: it inflates what the server compressed (with the server's
/// window and context-takeover mode) and compresses what the client sends (with the
/// client's). WSProtocol's `PerMessageDeflateTransform` is the server's mirror image.
public final class ClientDeflateTransform: MessageTransform {
    private var inflater: Inflater
    private var deflater: Deflater
    private var scratch = ByteWriter()

    /// A transform for the agreed `parameters`; messages under `threshold` bytes go uncompressed.
    public init(parameters: DeflateParameters, threshold: Int = 64) {
        // RFC 7692 §7.1.2.1: the server compresses with at most server_max_window_bits; the
        // client's inflater needs that window.
        inflater = Inflater(windowBits: parameters.serverMaxWindowBits, noContextTakeover: parameters.serverNoContextTakeover)
        // RFC 7692 §7.1.2.2: the client compresses with at most client_max_window_bits.
        deflater = Deflater(
            windowBits: parameters.clientMaxWindowBits, memLevel: 5, level: 6,
            noContextTakeover: parameters.clientNoContextTakeover, compressionThreshold: threshold)
    }

    public var claimedReservedBits: UInt8 { FrameHeader.rsv1 }

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

    public func encode(_ message: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer, _ reservedBits: UInt8) -> Void) {
        defer { scratch.reset(keepingCapacityUpTo: 4096) }
        switch deflater.compress(message, into: &scratch) {
        case .compressed: scratch.withUnsafeReadableBytes { emit($0, FrameHeader.rsv1) }
        case .uncompressed: emit(message, 0)
        }
    }
}
