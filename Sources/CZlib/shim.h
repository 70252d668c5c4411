#include <zlib.h>
#include <stdlib.h>

// ---------------------------------------------------------------------------------------
// permessage-deflate support (RFC 7692), used by WSProtocol/Deflate.
//
// Swift cannot import deflateInit2/inflateInit2 (function-like macros), and zlib keeps a
// back-pointer from its internal state to the z_stream, so the z_stream must never move:
// it lives in a heap block (`czlib_stream`) that Swift owns through a pointer.
//
// Every allocation zlib makes for the stream goes through a counting allocator, so the
// memory a stream costs is observable (`allocated_bytes`, `peak_allocated_bytes`). This is
// the memory accounting hook of the deflate code; it costs one 16-byte header per block
// (zlib makes 1 block for an idle inflater, 2 for an active one, 5 for a deflater).
// ---------------------------------------------------------------------------------------

/// A z_stream at a fixed address plus the byte counters of its counting allocator.
typedef struct czlib_stream {
    z_stream stream;
    /// Bytes currently allocated by zlib for this stream (headers excluded).
    size_t allocated_bytes;
    /// Largest value `allocated_bytes` has had since the block was created.
    size_t peak_allocated_bytes;
} czlib_stream;

/// Size of the header in front of every counted block; keeps malloc's 16-byte alignment.
#define CZLIB_BLOCK_HEADER 16

static inline voidpf czlib_counting_alloc(voidpf opaque, uInt items, uInt size) {
    czlib_stream *owner = (czlib_stream *)opaque;
    // uInt is 32 bits, size_t 64 bits on the supported platforms: the product cannot wrap.
    size_t bytes = (size_t)items * (size_t)size;
    unsigned char *block = (unsigned char *)malloc(bytes + CZLIB_BLOCK_HEADER);
    if (block == NULL) {
        return Z_NULL;
    }
    *(size_t *)block = bytes;
    owner->allocated_bytes += bytes;
    if (owner->allocated_bytes > owner->peak_allocated_bytes) {
        owner->peak_allocated_bytes = owner->allocated_bytes;
    }
    return block + CZLIB_BLOCK_HEADER;
}

static inline void czlib_counting_free(voidpf opaque, voidpf address) {
    if (address == Z_NULL) {
        return;
    }
    czlib_stream *owner = (czlib_stream *)opaque;
    unsigned char *block = (unsigned char *)address - CZLIB_BLOCK_HEADER;
    owner->allocated_bytes -= *(size_t *)block;
    free(block);
}

/// Allocates a zeroed stream block wired to the counting allocator; NULL when out of memory.
static inline czlib_stream *czlib_stream_create(void) {
    czlib_stream *owner = (czlib_stream *)calloc(1, sizeof(czlib_stream));
    if (owner == NULL) {
        return NULL;
    }
    owner->stream.zalloc = czlib_counting_alloc;
    owner->stream.zfree = czlib_counting_free;
    owner->stream.opaque = owner;
    return owner;
}

/// Frees the block itself; call deflateEnd/inflateEnd first if the stream was initialised.
static inline void czlib_stream_destroy(czlib_stream *owner) {
    free(owner);
}

/// `deflateInit2` for raw DEFLATE (no zlib header), as RFC 7692 §7.2.1 requires.
static inline int czlib_deflate_init_raw(czlib_stream *owner, int level, int window_bits, int mem_level) {
    return deflateInit2(&owner->stream, level, Z_DEFLATED, -window_bits, mem_level, Z_DEFAULT_STRATEGY);
}

/// `inflateInit2` for raw DEFLATE (no zlib header), as RFC 7692 §7.2.2 requires.
static inline int czlib_inflate_init_raw(czlib_stream *owner, int window_bits) {
    return inflateInit2(&owner->stream, -window_bits);
}

/// Size of the block holding the z_stream and counters (part of a stream's cost).
static inline size_t czlib_stream_block_size(void) {
    return sizeof(czlib_stream) + 0;
}
