#include <string.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#ifndef OPENSSL_NO_ENGINE
#include <openssl/engine.h>
#endif

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

/* The TLS record ciphers through libcrypto's built-in AEADs instead of OpenSSL 3.0's provider
 * interface. OpenSSL 3.0's record layer re-initialises the AEAD for every record, and each
 * call through a provider builds and searches parameter arrays (the IV length, the nonce,
 * the tag): about 2,000 instructions per request-reply pair, an eighth of the TLS work,
 * that 3.1 removed by caching. An ENGINE named the default for AES-128-GCM, AES-256-GCM and
 * ChaCha20-Poly1305 that hands back libcrypto's own implementations (EVP_aes_128_gcm() and
 * the others: the same AES-NI and vector code) puts libssl on EVP's direct path: it looks
 * for an engine when an SSL_CTX loads its ciphers and when a record key is set. The TLS
 * protocol stays entirely OpenSSL's. Returns 1 when installed, 0 when not wanted here
 * (OpenSSL other than 3.0, FIPS mode, a library without engines), -1 when OpenSSL refused.
 * Call once, before any SSL_CTX_new. */
#ifndef OPENSSL_NO_ENGINE
static int fc_builtin_aead_nids[] = { NID_aes_128_gcm, NID_aes_256_gcm, NID_chacha20_poly1305 };
static int fc_builtin_aead_ciphers(ENGINE *engine, const EVP_CIPHER **cipher, const int **nids, int nid) {
    (void)engine;
    if (cipher == NULL) {
        *nids = fc_builtin_aead_nids;
        return 3;
    }
    switch (nid) {
    case NID_aes_128_gcm: *cipher = EVP_aes_128_gcm(); return 1;
    case NID_aes_256_gcm: *cipher = EVP_aes_256_gcm(); return 1;
    case NID_chacha20_poly1305: *cipher = EVP_chacha20_poly1305(); return 1;
    default: *cipher = NULL; return 0;
    }
}
#endif
static inline int fc_install_builtin_record_ciphers(void) {
#ifdef OPENSSL_NO_ENGINE
    return 0;
#else
    unsigned long version = OpenSSL_version_num();
    if (version < 0x30000000UL || version >= 0x30100000UL) return 0;
    if (EVP_default_properties_is_fips_enabled(NULL)) return 0;
    ENGINE *engine = ENGINE_new();
    if (engine == NULL) return -1;
    int ok = ENGINE_set_id(engine, "flowcoach-builtin-aead")
        && ENGINE_set_name(engine, "libcrypto's built-in AEADs for TLS records")
        && ENGINE_set_ciphers(engine, fc_builtin_aead_ciphers)
        && ENGINE_add(engine)
        && ENGINE_set_default_ciphers(engine);
    ENGINE_free(engine); /* the engine list keeps its own reference */
    return ok ? 1 : -1;
#endif
}
/* Tests: 1 when the engine above is the default for all three AEADs. */
static inline int fc_builtin_record_ciphers_are_default(void) {
#ifdef OPENSSL_NO_ENGINE
    return 0;
#else
    int nids[3] = { NID_aes_128_gcm, NID_aes_256_gcm, NID_chacha20_poly1305 };
    int found = 0;
    for (int i = 0; i < 3; i++) {
        ENGINE *engine = ENGINE_get_cipher_engine(nids[i]);
        if (engine == NULL) continue;
        const char *id = ENGINE_get_id(engine);
        if (id != NULL && strcmp(id, "flowcoach-builtin-aead") == 0) found++;
        ENGINE_finish(engine);
    }
    return found == 3;
#endif
}
