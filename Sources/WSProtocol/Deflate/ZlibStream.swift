import CZlib

/// Owner of one raw-DEFLATE zlib stream, allocated lazily and released on demand.
///
/// zlib's internal state points back at its `z_stream`, so the stream lives in a C heap
/// block (`czlib_stream`) that never moves; this struct owns that block uniquely and frees
/// it exactly once. All of zlib's allocations for the stream go through the counting
/// allocator in `shim.h`, which makes `allocatedBytes` the real cost of the stream.
struct ZlibStream: ~Copyable {
    /// Which half of zlib the stream runs.
    enum Kind: Equatable {
        case deflate(level: Int32, windowBits: Int32, memLevel: Int32)
        case inflate(windowBits: Int32)
    }

    /// Why a stream could not be set up.
    enum SetupFailure: Error {
        /// `malloc` failed, or zlib reported `Z_MEM_ERROR`.
        case outOfMemory
        /// zlib rejected the parameters (`Z_STREAM_ERROR`); a bug in our validation.
        case invalidParameters
    }

    let kind: Kind
    /// nil while released (idle); allocated on first use.
    private(set) var handle: UnsafeMutablePointer<czlib_stream>?

    init(_ kind: Kind) {
        self.kind = kind
        self.handle = nil
    }

    deinit {
        if let handle { Self.destroy(handle, kind: kind) }
    }

    /// True when zlib memory is currently held.
    var isAllocated: Bool { handle != nil }

    /// Bytes held right now: zlib's blocks plus the `czlib_stream` block (0 when released).
    var allocatedBytes: Int {
        guard let handle else { return 0 }
        return Int(handle.pointee.allocated_bytes) + Int(czlib_stream_block_size())
    }

    /// Returns the live stream, creating and initialising it first if it was released.
    mutating func stream() throws(SetupFailure) -> UnsafeMutablePointer<z_stream> {
        if let handle {
            return Self.streamPointer(handle)
        }
        guard let created = czlib_stream_create() else { throw .outOfMemory }
        let status: Int32
        switch kind {
        case .deflate(let level, let windowBits, let memLevel):
            status = czlib_deflate_init_raw(created, level, windowBits, memLevel)
        case .inflate(let windowBits):
            status = czlib_inflate_init_raw(created, windowBits)
        }
        guard status == Z_OK else {
            // zlib frees what it allocated when init fails.
            czlib_stream_destroy(created)
            throw status == Z_MEM_ERROR ? .outOfMemory : .invalidParameters
        }
        handle = created
        return Self.streamPointer(created)
    }

    /// Starts a fresh DEFLATE stream, keeping the memory (`inflateReset`/`deflateReset`).
    mutating func reset() {
        guard let handle else { return }
        let stream = Self.streamPointer(handle)
        switch kind {
        case .deflate: _ = deflateReset(stream)
        case .inflate: _ = inflateReset(stream)
        }
    }

    /// Frees every byte the stream holds; the next `stream()` call starts from scratch.
    mutating func release() {
        guard let handle else { return }
        self.handle = nil
        Self.destroy(handle, kind: kind)
    }

    private static func streamPointer(_ handle: UnsafeMutablePointer<czlib_stream>) -> UnsafeMutablePointer<z_stream> {
        UnsafeMutableRawPointer(handle).assumingMemoryBound(to: z_stream.self)
    }

    private static func destroy(_ handle: UnsafeMutablePointer<czlib_stream>, kind: Kind) {
        let stream = streamPointer(handle)
        switch kind {
        case .deflate: _ = deflateEnd(stream)
        case .inflate: _ = inflateEnd(stream)
        }
        czlib_stream_destroy(handle)
    }
}
