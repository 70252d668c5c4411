#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/rand.h>

/* Wrappers for OpenSSL function-like macros and 64-bit option constants that Swift
 * cannot import. Each is a one-line forward to the macro it names. */

static inline int fc_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}
static inline int fc_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}
static inline long fc_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}
static inline long fc_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}
/* Extra (non-leaf) certificates loaded from the chain file; borrowed, may be NULL. */
static inline STACK_OF(X509) *fc_SSL_CTX_get0_chain_certs(SSL_CTX *ctx) {
    STACK_OF(X509) *chain = NULL;
    if (SSL_CTX_get0_chain_certs(ctx, &chain) != 1) return NULL;
    return chain;
}
static inline int fc_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *fc_sk_X509_value(const STACK_OF(X509) *stack, int index) {
    return sk_X509_value(stack, index);
}
static inline long fc_SSL_get_mode(SSL *ssl) { return (long)SSL_get_mode(ssl); }
static inline long fc_SSL_set_mode(SSL *ssl, long mode) { return (long)SSL_set_mode(ssl, mode); }
static inline long fc_SSL_clear_mode(SSL *ssl, long mode) { return (long)SSL_clear_mode(ssl, mode); }
static inline long fc_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}
static inline long fc_BIO_set_mem_eof_return(BIO *bio, int value) {
    return BIO_set_mem_eof_return(bio, value);
}
/* The unread bytes of a memory BIO in place (no copy); returns their count. */
static inline long fc_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}
/* Empties a read-write memory BIO, keeping its buffer. */
static inline int fc_BIO_reset(BIO *bio) { return BIO_reset(bio); }
/* Capacity of a memory BIO's backing buffer (0 when it has none). */
static inline size_t fc_BIO_mem_capacity(BIO *bio) {
    BUF_MEM *mem = NULL;
    if (BIO_get_mem_ptr(bio, &mem) <= 0 || mem == NULL) return 0;
    return mem->max;
}
static inline int fc_ERR_GET_LIB(unsigned long code) { return ERR_GET_LIB(code); }
static inline int fc_ERR_GET_REASON(unsigned long code) { return ERR_GET_REASON(code); }

static const uint64_t fc_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t fc_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t fc_SSL_OP_NO_TICKET = SSL_OP_NO_TICKET;
static const uint64_t fc_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t fc_SSL_OP_PRIORITIZE_CHACHA = SSL_OP_PRIORITIZE_CHACHA;
static const uint64_t fc_SSL_OP_ALL = SSL_OP_ALL;
