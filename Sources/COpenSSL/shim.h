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
#include <openssl/hmac.h>
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

/* TLS 1.3 records of our own after OpenSSL's handshake (LoopKit's TLS13RecordLayer).
 *
 * OpenSSL 3.0 has no API that hands out a TLS 1.3 connection's traffic secrets except the
 * key-log callback (the hook kernel TLS and QUIC stacks were given later). A server
 * context that offloads records sets fc_tls13_capture_secrets as its key-log callback; a
 * session that wants its secrets points its SSL's app data at a fc_tls13_secrets, which
 * the callback fills with the two application traffic secrets of generation 0. */
typedef struct fc_tls13_secrets {
    unsigned char client[EVP_MAX_MD_SIZE];
    unsigned char server[EVP_MAX_MD_SIZE];
    int client_length; /* 0 until captured */
    int server_length;
} fc_tls13_secrets;

static inline int fc_hex_nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "LABEL <client random, 64 hex digits> <secret, hex>" (NSS key-log format). */
static inline void fc_tls13_capture_secrets(const SSL *ssl, const char *line) {
    fc_tls13_secrets *secrets = (fc_tls13_secrets *)SSL_get_app_data(ssl);
    if (secrets == NULL || line == NULL) return;
    static const char client_label[] = "CLIENT_TRAFFIC_SECRET_0 ";
    static const char server_label[] = "SERVER_TRAFFIC_SECRET_0 ";
    unsigned char *target;
    int *target_length;
    if (strncmp(line, client_label, sizeof client_label - 1) == 0) {
        target = secrets->client;
        target_length = &secrets->client_length;
    } else if (strncmp(line, server_label, sizeof server_label - 1) == 0) {
        target = secrets->server;
        target_length = &secrets->server_length;
    } else {
        return;
    }
    const char *hex = strchr(line + sizeof client_label - 1, ' ');
    if (hex == NULL) return;
    hex++;
    size_t digits = strlen(hex);
    if (digits % 2 != 0 || digits / 2 > EVP_MAX_MD_SIZE) return;
    for (size_t i = 0; i < digits / 2; i++) {
        int high = fc_hex_nibble(hex[2 * i]), low = fc_hex_nibble(hex[2 * i + 1]);
        if (high < 0 || low < 0) return;
        target[i] = (unsigned char)(high << 4 | low);
    }
    *target_length = (int)(digits / 2);
}

static inline void fc_SSL_CTX_capture_tls13_secrets(SSL_CTX *ctx) {
    SSL_CTX_set_keylog_callback(ctx, fc_tls13_capture_secrets);
}
static inline int fc_SSL_set_tls13_secrets(SSL *ssl, fc_tls13_secrets *secrets) {
    return SSL_set_app_data(ssl, secrets);
}

/* HKDF-Expand-Label(secret, label, "", length) of RFC 8446 §7.1, for lengths up to the
 * hash's size (one HMAC block: a key, an IV or the next traffic secret). 1 on success. */
static inline int fc_tls13_expand_label(const EVP_MD *md, const unsigned char *secret, int secret_length,
                                        const char *label, unsigned char *out, int length) {
    unsigned char info[2 + 1 + 255 + 1 + 1];
    size_t label_length = strlen(label);
    if (length <= 0 || length > EVP_MD_get_size(md) || 6 + label_length > 255) return 0;
    size_t n = 0;
    info[n++] = (unsigned char)(length >> 8);
    info[n++] = (unsigned char)length;
    info[n++] = (unsigned char)(6 + label_length);
    memcpy(info + n, "tls13 ", 6);
    n += 6;
    memcpy(info + n, label, label_length);
    n += label_length;
    info[n++] = 0;    /* empty context */
    info[n++] = 0x01; /* T(1) = HMAC(secret, info || 0x01) */
    unsigned char block[EVP_MAX_MD_SIZE];
    unsigned int block_length = 0;
    if (HMAC(md, secret, secret_length, info, n, block, &block_length) == NULL) return 0;
    memcpy(out, block, (size_t)length);
    OPENSSL_cleanse(block, sizeof block);
    return 1;
}

/* A new AEAD context for `cipher` (its default 12-byte IV), not keyed yet, or NULL. On
 * OpenSSL 3.0 with BuiltInRecordCiphers installed, EVP takes the engine's direct path. */
static inline EVP_CIPHER_CTX *fc_tls13_aead_new(const EVP_CIPHER *cipher, int encrypt) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) return NULL;
    if (EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, encrypt) != 1) {
        EVP_CIPHER_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Seals `length` bytes at `data` in place with the 5-byte `header` as additional data,
 * writing the 16-byte tag to `tag`. 1 on success. */
static inline int fc_tls13_seal(EVP_CIPHER_CTX *ctx, const unsigned char nonce[12], const unsigned char header[5],
                                unsigned char *data, int length, unsigned char tag[16]) {
    int n = 0;
    if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, 1) != 1) return 0;
    if (EVP_CipherUpdate(ctx, NULL, &n, header, 5) != 1) return 0;
    if (length > 0 && EVP_CipherUpdate(ctx, data, &n, data, length) != 1) return 0;
    if (EVP_CipherFinal_ex(ctx, data + length, &n) != 1) return 0;
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag) == 1;
}

/* Opens `length` bytes of ciphertext at `in` (followed by nothing: the tag is passed
 * apart) into `out` (may equal `in`), authenticating `header`. 1 when the tag matches;
 * otherwise 0 and `out` must be discarded. */
static inline int fc_tls13_open(EVP_CIPHER_CTX *ctx, const unsigned char nonce[12], const unsigned char header[5],
                                const unsigned char *in, int length, const unsigned char tag[16], unsigned char *out) {
    int n = 0;
    if (EVP_CipherInit_ex(ctx, NULL, NULL, NULL, nonce, 0) != 1) return 0;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, (void *)tag) != 1) return 0;
    if (EVP_CipherUpdate(ctx, NULL, &n, header, 5) != 1) return 0;
    if (length > 0 && EVP_CipherUpdate(ctx, out, &n, in, length) != 1) return 0;
    return EVP_CipherFinal_ex(ctx, out + length, &n) == 1;
}
