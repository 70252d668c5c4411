#include <openssl/ssl.h>
#include <openssl/err.h>

/* The server context of TLSRoundTripCount: the same modes as the server's TLSContext
 * (function-like macros Swift cannot import). */
static inline long fc_bench_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline long fc_bench_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}
static const uint64_t fc_bench_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t fc_bench_SSL_OP_PRIORITIZE_CHACHA = SSL_OP_PRIORITIZE_CHACHA;
