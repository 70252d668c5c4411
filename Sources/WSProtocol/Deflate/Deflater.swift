import CZlib

/// Compresses outbound messages with permessage-deflate (RFC 7692 §7.2.1).
///
/// Usage by the endpoint when sending a data message:
///
///     switch deflater.compress(payload, into: &scratch) {
///     case .compressed: send scratch's bytes with RSV1 set on the first frame
///     case .uncompressed: send payload as it is, RSV1 clear
///     }
///
/// `compress` never fails: when compression does not apply (message below the threshold,
/// `server_max_window_bits=8`, zlib out of memory, or no gain without context takeover) it
/// appends nothing and answers `.uncompressed`, which is always allowed (RFC 7692 §6: RSV1
/// is chosen per message).
///
/// Channel fan-out: with `noContextTakeover` the compressed bytes depend only on the message
/// and the settings, so one `Deflater(retention: .keepAllocated)` per loop (or
/// `Deflater.compressOnce`) can compress a published message once for every subscriber for
/// which `canShare(with:)` is true.
public struct Deflater: ~Copyable {
    /// What happens to the zlib stream between messages when there is no context takeover.
    public enum Retention: Sendable {
        /// Free the stream after every message: an idle connection holds no zlib memory.
        /// Cheap for small streams (12/5: 38 KiB, about +20 % per message measured), but a
        /// 15/8 stream (262 KiB) is above glibc's mmap threshold and costs an mmap/munmap and
        /// page faults per message (about 9x slower for a 151-byte message, measured).
        case releaseBetweenMessages
        /// Keep it and `deflateReset` it: for a long-lived shared (fan-out) deflater.
        case keepAllocated
    }

    /// What `compress` did.
    public enum Outcome: Sendable, Equatable {
        /// `output` received the compressed payload; set RSV1 on the first frame.
        case compressed
        /// Nothing was appended; send the original bytes with RSV1 clear.
        case uncompressed
    }

    /// Base-2 logarithm of the LZ77 window (9...15), or 8 when compression is off.
    public let windowBits: Int
    /// zlib memLevel (1...9).
    public let memLevel: Int
    /// zlib compression level (0...9).
    public let level: Int
    /// Reset the LZ77 window after every message (`server_no_context_takeover`).
    public let noContextTakeover: Bool
    /// Messages shorter than this are not compressed.
    public let compressionThreshold: Int
    /// Stream handling between messages (only matters with `noContextTakeover`).
    public let retention: Retention

    private var zlib: ZlibStream

    /// Output is produced in chunks of this many bytes.
    static let outputChunkBytes = 16 * 1024

    /// A deflater for the server-to-client direction of an agreed connection.
    public init(parameters: DeflateParameters, configuration: DeflateConfiguration, retention: Retention = .releaseBetweenMessages) {
        self.init(
            windowBits: parameters.compressesOutbound ? parameters.serverMaxWindowBits : 8,
            memLevel: configuration.memLevel,
            level: configuration.compressionLevel,
            noContextTakeover: parameters.serverNoContextTakeover,
            compressionThreshold: configuration.compressionThreshold,
            retention: retention
        )
    }

    /// A deflater with explicit settings. `windowBits` 8 makes a deflater that never
    /// compresses (see `DeflateParameters.compressesOutbound`).
    public init(
        windowBits: Int, memLevel: Int = 8, level: Int = 6, noContextTakeover: Bool,
        compressionThreshold: Int = 0, retention: Retention = .releaseBetweenMessages
    ) {
        precondition(DeflateParameters.validWindowBits ~= windowBits, "windowBits must be 8...15")
        precondition(1...9 ~= memLevel, "memLevel must be 1...9")
        precondition(0...9 ~= level, "level must be 0...9")
        precondition(compressionThreshold >= 0, "compressionThreshold must not be negative")
        self.windowBits = windowBits
        self.memLevel = memLevel
        self.level = level
        self.noContextTakeover = noContextTakeover
        self.compressionThreshold = compressionThreshold
        self.retention = retention
        self.zlib = ZlibStream(.deflate(level: Int32(level), windowBits: Int32(windowBits), memLevel: Int32(memLevel)))
    }

    /// Bytes of zlib memory held right now (0 while released).
    public var allocatedBytes: Int { zlib.allocatedBytes }

    /// Whether this deflater's output can be sent to a connection with `parameters`:
    /// that connection must not expect context takeover from the server (its own deflater
    /// would no longer mirror the client's window) and must allow this window size.
    public func canShare(with parameters: DeflateParameters) -> Bool {
        noContextTakeover && parameters.serverNoContextTakeover
            && parameters.compressesOutbound && windowBits <= parameters.serverMaxWindowBits
    }

    /// Compresses one whole message into `output` (appending) or decides not to.
    public mutating func compress(_ message: UnsafeRawBufferPointer, into output: inout ByteWriter) -> Outcome {
        // RFC 7692 §7.1.2.1 and DeflateParameters.compressesOutbound: no raw window of 256.
        // An empty message is never compressed: there is nothing to gain, and zlib emits
        // nothing at all for a second consecutive sync flush without input.
        guard windowBits >= 9, !message.isEmpty, message.count >= compressionThreshold else { return .uncompressed }
        guard let stream = try? zlib.stream() else { return .uncompressed }

        let start = output.readableCount
        // Without context takeover a result that is not smaller is worthless: stop as soon
        // as the output (with the 4-byte tail still on it) reaches the message size.
        let budget = noContextTakeover ? message.count + 4 : Int.max
        let completed = deflateAll(stream, message: message, output: &output, start: start, budget: budget)
        let produced = output.readableCount - start

        defer { finishMessage() }
        guard completed, produced >= 4, output.lastFourReadable == 0x0000_FFFF else {
            // Only reachable without context takeover (budget exceeded): the window is
            // reset below, so not sending this output keeps both sides in step.
            precondition(noContextTakeover, "Deflater: sync flush did not end with 00 00 ff ff")
            output.removeLastReadable(produced)
            return .uncompressed
        }
        // RFC 7692 §7.2.1: "Remove 4 octets (that are 0x00 0x00 0xff 0xff) from the tail end."
        output.removeLastReadable(4)
        if noContextTakeover && produced - 4 >= message.count {
            output.removeLastReadable(produced - 4)
            return .uncompressed
        }
        return .compressed
    }

    /// Compresses `message` once with a temporary stream and no context takeover, for a
    /// fan-out to every subscriber whose parameters satisfy `canShare(with:)` for the same
    /// settings. Allocates and frees one zlib stream; prefer a shared `Deflater` with
    /// `.keepAllocated` when publishing often.
    public static func compressOnce(
        _ message: UnsafeRawBufferPointer, windowBits: Int, memLevel: Int = 8, level: Int = 6,
        compressionThreshold: Int = 0, into output: inout ByteWriter
    ) -> Outcome {
        var deflater = Deflater(
            windowBits: windowBits, memLevel: memLevel, level: level, noContextTakeover: true,
            compressionThreshold: compressionThreshold
        )
        return deflater.compress(message, into: &output)
    }

    /// Frees the zlib stream now (e.g. when a connection goes idle with context takeover
    /// disabled). With context takeover this would lose the window, so it does nothing.
    public mutating func releaseIfIdle() {
        if noContextTakeover { zlib.release() }
    }

    /// RFC 7692 §7.2.1 with "server_no_context_takeover": start the next message with an
    /// empty window, by releasing or resetting the stream.
    private mutating func finishMessage() {
        guard noContextTakeover else { return }
        switch retention {
        case .releaseBetweenMessages: zlib.release()
        case .keepAllocated: zlib.reset()
        }
    }

    /// RFC 7692 §7.2.1: "Compress all the octets of the payload of the message using
    /// DEFLATE", then flush with Z_SYNC_FLUSH so the data ends with an empty stored block.
    /// Returns false when the output reached `budget` bytes before the flush completed.
    private func deflateAll(
        _ stream: UnsafeMutablePointer<z_stream>, message: UnsafeRawBufferPointer,
        output: inout ByteWriter, start: Int, budget: Int
    ) -> Bool {
        // zlib writes into a scratch chunk that is then appended (see Inflater.run).
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.outputChunkBytes, alignment: 16)
        defer { scratch.deallocate() }
        guard let scratchBase = scratch.baseAddress else { return false }
        var offset = 0
        while true {
            // avail_in is 32 bits wide: hand very large messages over in slices.
            if stream.pointee.avail_in == 0, offset < message.count, let base = message.baseAddress {
                let slice = min(message.count - offset, 1 << 30)
                stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + offset).assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = UInt32(slice)
                offset += slice
            }
            let room = min(Self.outputChunkBytes, budget - (output.readableCount - start))
            guard room > 0 else { return false }
            stream.pointee.next_out = scratchBase.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(room)
            // Z_OK or Z_BUF_ERROR (nothing left to do); Z_STREAM_ERROR only on misuse.
            _ = CZlib.deflate(stream, Z_SYNC_FLUSH)
            output.append(UnsafeRawBufferPointer(rebasing: scratch[..<(room - Int(stream.pointee.avail_out))]))
            // The flush is complete when zlib stopped with output space to spare and every
            // input byte handed over.
            if stream.pointee.avail_out != 0 && stream.pointee.avail_in == 0 && offset == message.count {
                return true
            }
        }
    }
}

// SAFETY: a Deflater is ~Copyable, so its zlib block has exactly one owner; it is used by
// one thread at a time: the event loop owning the connection, or the publisher that owns a
// shared fan-out deflater.
extension Deflater: @unchecked Sendable {}

extension ByteWriter {
    /// The last four readable bytes as a big-endian integer (readableCount ≥ 4): the
    /// 0x00 0x00 0xff 0xff a sync flush ends with is 0x0000_FFFF.
    fileprivate var lastFourReadable: UInt32 {
        precondition(readableCount >= 4, "ByteWriter: asked for more than readable")
        return withUnsafeReadableBytes { raw in
            raw[(raw.count - 4)...].reduce(0) { $0 << 8 | UInt32($1) }
        }
    }
}
