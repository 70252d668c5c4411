/// Pure estimates of the memory permessage-deflate costs, from zlib's allocation pattern
/// (zlib 1.2.13, 64-bit; checked against the counting allocator in `DeflateMemoryTests`).
///
/// - A deflater allocates its state (`deflate_state`, ~5.8 KiB) plus, for window bits `w`
///   and memLevel `m`: the window 2·2^w, `prev` 2·2^w, the hash heads 2·2^(m+7) and the
///   pending/symbol buffer 4·2^(m+6) bytes, i.e. 2^(w+2) + 2^(m+9) + state.
///   Measured: 15/8 (zlib's default) 268,224 bytes; the configuration default 12/5 38,848.
/// - An inflater allocates its state (`inflate_state`, ~7 KiB) at init and the window 2^w
///   on the first output. Measured: 15 → 40,056 bytes; 12 → 11,384.
/// - Each stream also holds a `czlib_stream` block (the z_stream plus two counters).
///
/// Idle cost (between messages) of one compressed connection:
/// - the deflater: 0 with `server_no_context_takeover` (released), else the full deflater;
/// - the inflater: 0 before the first compressed message and with
///   `client_no_context_takeover`, else the full inflater.
public enum DeflateMemory {
    /// Bytes of zlib's `deflate_state` plus the z_stream block, measured with the counting
    /// allocator (zlib 1.2.13, x86_64).
    public static let deflaterOverheadBytes = 6_080
    /// Bytes of zlib's `inflate_state` plus the z_stream block, measured likewise.
    public static let inflaterOverheadBytes = 7_288

    /// Estimated bytes of an allocated deflater.
    public static func deflaterBytes(windowBits: Int, memLevel: Int) -> Int {
        (1 << (windowBits + 2)) + (1 << (memLevel + 9)) + deflaterOverheadBytes
    }

    /// Estimated bytes of an allocated inflater that has produced output (window included).
    public static func inflaterBytes(windowBits: Int) -> Int {
        (1 << windowBits) + inflaterOverheadBytes
    }

    /// Idle and peak estimates for one connection.
    public struct Estimate: Sendable, Equatable {
        /// Between messages, after at least one compressed message each way.
        public var idleBytes: Int
        /// While a message is compressed and another decompressed.
        public var activeBytes: Int
    }

    /// Estimates one connection with the agreed `parameters` and the server's
    /// `configuration` (deflater released between messages when the server does not use
    /// context takeover; never allocated when outbound compression is off).
    public static func estimate(parameters: DeflateParameters, configuration: DeflateConfiguration) -> Estimate {
        let deflater = parameters.compressesOutbound
            ? deflaterBytes(windowBits: parameters.serverMaxWindowBits, memLevel: configuration.memLevel) : 0
        let inflater = inflaterBytes(windowBits: parameters.clientMaxWindowBits)
        let idleDeflater = parameters.serverNoContextTakeover ? 0 : deflater
        let idleInflater = parameters.clientNoContextTakeover ? 0 : inflater
        return Estimate(idleBytes: idleDeflater + idleInflater, activeBytes: deflater + inflater)
    }
}
