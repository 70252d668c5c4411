import CZlib

/// Decompresses the messages a client sent with permessage-deflate (RFC 7692 §7.2.2),
/// one fragment at a time, with a bound on the inflated size of each message.
///
/// Usage by the endpoint, for each data frame of a message whose first frame had RSV1 set:
///
///     try inflater.inflate(payload, isFinalFragment: frame.fin, into: &message, limit: maxMessageSize)
///
/// and on a thrown `InflateError`, close with `error.closeCodeValue`.
///
/// Memory: the zlib stream is allocated on the first compressed message. With
/// `noContextTakeover` it is released after every message, so an idle connection holds no
/// zlib memory; with context takeover it keeps the LZ77 window (2^windowBits bytes plus
/// about 7 KiB of zlib state; see `DeflateMemory`).
public struct Inflater: ~Copyable {
    /// Base-2 logarithm of the LZ77 window (8...15): the agreed `client_max_window_bits`.
    public let windowBits: Int
    /// The client agreed `client_no_context_takeover`: every message starts a fresh stream.
    public let noContextTakeover: Bool

    private var zlib: ZlibStream
    private var phase: Phase

    private enum Phase {
        /// No message in progress.
        case betweenMessages
        /// Fragments of a message are arriving; `outputBytes` inflated so far.
        case inMessage(outputBytes: Int, inputBytes: Int)
        /// The message contained a DEFLATE block with BFINAL set; the rest of its input is
        /// ignored (RFC 7692 §7.2.3.4 lets a sender end with such a block).
        case finalBlockSeen
    }

    /// The empty stored block a sender removed from the end of every message.
    private static let tail: [UInt8] = [0x00, 0x00, 0xff, 0xff]
    /// Output is produced in chunks of at most this many bytes and appended only after the
    /// limit check, so nothing past the limit is ever appended, however much the input
    /// expands.
    static let outputChunkBytes = 16 * 1024

    /// An inflater for the client-to-server direction of an agreed connection.
    public init(parameters: DeflateParameters) {
        self.init(windowBits: parameters.clientMaxWindowBits, noContextTakeover: parameters.clientNoContextTakeover)
    }

    /// An inflater with an explicit window (8...15) and context-takeover mode.
    public init(windowBits: Int, noContextTakeover: Bool) {
        precondition(DeflateParameters.validWindowBits ~= windowBits, "windowBits must be 8...15")
        self.windowBits = windowBits
        self.noContextTakeover = noContextTakeover
        self.zlib = ZlibStream(.inflate(windowBits: Int32(windowBits)))
        self.phase = .betweenMessages
    }

    /// Bytes of zlib memory held right now (0 while released).
    public var allocatedBytes: Int { zlib.allocatedBytes }

    /// True between the first and the final fragment of a message.
    public var isInMessage: Bool {
        switch phase {
        case .betweenMessages: false
        case .inMessage, .finalBlockSeen: true
        }
    }

    /// Inflates one fragment of a compressed message and appends the result to `output`.
    ///
    /// - Parameters:
    ///   - fragment: the (unmasked) payload of one frame of the message.
    ///   - isFinalFragment: the frame's FIN bit; the message ends with this fragment.
    ///   - output: receives the decompressed bytes.
    ///   - limit: most bytes the whole message may inflate to (the same on every call).
    /// - Throws: `InflateError`; the message is then abandoned, the stream released, and
    ///   the bytes this message appended to `output` are meaningless. The connection must be
    ///   failed with `closeCodeValue`: with context takeover the window is lost.
    public mutating func inflate(
        _ fragment: UnsafeRawBufferPointer, isFinalFragment: Bool, into output: inout ByteWriter, limit: Int
    ) throws(InflateError) {
        precondition(limit >= 0, "limit must not be negative")
        do {
            try inflateFragment(fragment, isFinalFragment: isFinalFragment, into: &output, limit: limit)
        } catch {
            abandonMessage()
            throw error
        }
    }

    /// Drops the message in progress and releases the zlib stream (the connection is
    /// failing, or the endpoint gave up on the message).
    public mutating func abandonMessage() {
        phase = .betweenMessages
        zlib.release()
    }

    /// Releases the zlib memory if no message is in progress and no window must be kept,
    /// i.e. with `noContextTakeover`. (`inflate` already does this after each message;
    /// this is for callers that want to be sure before a connection goes idle.)
    public mutating func releaseIfIdle() {
        if case .betweenMessages = phase, noContextTakeover {
            zlib.release()
        }
    }

    private mutating func inflateFragment(
        _ fragment: UnsafeRawBufferPointer, isFinalFragment: Bool, into output: inout ByteWriter, limit: Int
    ) throws(InflateError) {
        var outputBytes = 0
        var inputBytes = 0
        switch phase {
        case .betweenMessages:
            break
        case .inMessage(let output, let input):
            outputBytes = output
            inputBytes = input
        case .finalBlockSeen:
            if isFinalFragment { finishMessage(sawFinalBlock: true) }
            return
        }
        phase = .inMessage(outputBytes: outputBytes, inputBytes: inputBytes)

        let stream: UnsafeMutablePointer<z_stream>
        do {
            stream = try zlib.stream()
        } catch {
            throw .outOfMemory
        }

        if try run(stream, input: fragment, output: &output, outputBytes: &outputBytes, limit: limit) {
            if isFinalFragment { finishMessage(sawFinalBlock: true) } else { phase = .finalBlockSeen }
            return
        }
        inputBytes += fragment.count
        phase = .inMessage(outputBytes: outputBytes, inputBytes: inputBytes)
        guard isFinalFragment else { return }

        // A message with no compressed data at all is taken as an empty message: there is
        // nothing to decompress. (The RFC 7692 §7.2.1 algorithm always leaves at least one
        // byte, e.g. 0x00 for an empty message; accepting zero bytes as well is harmless.)
        guard inputBytes > 0 else {
            finishMessage(sawFinalBlock: false)
            return
        }
        // RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the
        // payload of the message. Decompress the resulting data using DEFLATE."
        let ended = try Self.tail.withUnsafeBytes { tail in
            Result { () throws(InflateError) -> Bool in
                try run(stream, input: tail, output: &output, outputBytes: &outputBytes, limit: limit)
            }
        }.get()
        // The appended empty stored block must close the last block: zlib then waits for
        // the next block header (data_type bit 128, "decoding a block header"). Anything
        // else means the sender cut the stream mid-block.
        guard ended || stream.pointee.data_type & 128 != 0 else {
            throw .unterminatedMessage
        }
        finishMessage(sawFinalBlock: ended)
    }

    /// Ends the message: reset or release the stream as the agreed parameters require.
    private mutating func finishMessage(sawFinalBlock: Bool) {
        phase = .betweenMessages
        // RFC 7692 §7.2.2: "If the "agreed parameters" contain the
        // "client_no_context_takeover" extension parameter, the server MAY decompress each
        // new message with an empty LZ77 sliding window." We free the memory instead of
        // resetting, so an idle connection costs nothing.
        if noContextTakeover {
            zlib.release()
        } else if sawFinalBlock {
            keepWindowAfterFinalBlock()
        }
    }

    /// After a BFINAL block zlib refuses further input; with context takeover the next
    /// message may still refer to this one's data, so carry the window into a new stream.
    private mutating func keepWindowAfterFinalBlock() {
        guard let stream = try? zlib.stream() else { return }
        var window = [UInt8](repeating: 0, count: 1 << windowBits)
        var length: UInt32 = 0
        let status = window.withUnsafeMutableBufferPointer { buffer in
            inflateGetDictionary(stream, buffer.baseAddress, &length)
        }
        zlib.reset()
        if status == Z_OK && length > 0 {
            _ = window.withUnsafeBufferPointer { buffer in
                inflateSetDictionary(stream, buffer.baseAddress, length)
            }
        }
    }

    /// Feeds `input` to zlib and appends the output in bounded chunks, checking the limit
    /// after every chunk. Returns true when zlib reached the end of a BFINAL block.
    private func run(
        _ stream: UnsafeMutablePointer<z_stream>, input: UnsafeRawBufferPointer,
        output: inout ByteWriter, outputBytes: inout Int, limit: Int
    ) throws(InflateError) -> Bool {
        guard let base = input.baseAddress, !input.isEmpty else { return false }
        // zlib writes into a scratch chunk that is then appended: the output grows only by
        // what was produced (appending a zero-filled reservation costs more, and in debug
        // builds a lot more).
        // Small inputs (most messages, and the 4-byte tail) get a small scratch.
        let chunkBytes = min(Self.outputChunkBytes, max(1024, input.count * 8))
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { scratch.deallocate() }
        guard let scratchBase = scratch.baseAddress else { return false }
        var offset = 0
        while offset < input.count {
            // avail_in is 32 bits wide: feed very large inputs in slices.
            let sliceCount = min(input.count - offset, 1 << 30)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + offset).assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = UInt32(sliceCount)
            offset += sliceCount
            while true {
                let allowance = limit - outputBytes
                let room = allowance >= chunkBytes ? chunkBytes : allowance + 1
                stream.pointee.next_out = scratchBase.assumingMemoryBound(to: Bytef.self)
                stream.pointee.avail_out = UInt32(room)
                let status = CZlib.inflate(stream, Z_SYNC_FLUSH)
                let written = room - Int(stream.pointee.avail_out)
                outputBytes += written
                // Checked per chunk, before asking zlib for more: a bomb stops here.
                if outputBytes > limit { throw .messageTooBig(limit: limit) }
                output.append(UnsafeRawBufferPointer(rebasing: scratch[..<written]))
                switch status {
                case Z_STREAM_END:
                    return true
                case Z_OK, Z_BUF_ERROR:
                    // Z_OK with output space left means zlib wants more input; Z_BUF_ERROR
                    // means no progress was possible. Either way this slice is done when
                    // the input is used up and nothing is pending.
                    if stream.pointee.avail_out != 0 {
                        guard stream.pointee.avail_in == 0 else { throw .corruptStream }
                        break
                    }
                    continue
                case Z_MEM_ERROR:
                    throw .outOfMemory
                default:
                    // Z_DATA_ERROR (invalid data), Z_NEED_DICT and Z_STREAM_ERROR cannot
                    // come from a valid raw DEFLATE stream.
                    throw .corruptStream
                }
                break
            }
        }
        return false
    }
}

// SAFETY: an Inflater is ~Copyable, so its zlib block has exactly one owner; it is used
// only by the event-loop thread that owns the connection, and moves with the connection.
extension Inflater: @unchecked Sendable {}
