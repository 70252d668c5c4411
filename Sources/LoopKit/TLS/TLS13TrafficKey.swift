internal import COpenSSL

/// One direction's record protection in TLS 1.3 (RFC 8446 §5.2–5.3, §7.1–7.3): the AEAD
/// keyed from the current traffic secret, its per-record nonce base (`iv`) and the record
/// sequence number. ``update()`` moves to the next generation of the secret (a KeyUpdate).
///
/// Owned by one ``TLS13RecordLayer`` on one event-loop thread; the layer frees ``context``.
struct TLS13TrafficKey {
    /// The `EVP_CIPHER_CTX *`, keyed for this direction (encrypting or decrypting).
    let context: OpaquePointer
    let suite: TLS13CipherSuite
    /// The current traffic secret, kept to derive the next one (zeroed when replaced).
    private var secret: [UInt8]
    /// The IV's first four bytes and its last eight, as they lie in memory.
    private var ivHead: UInt32 = 0
    private var ivTail: UInt64 = 0
    /// The next record's sequence number (0 after every key change).
    private(set) var sequence: UInt64 = 0

    /// Derives the key and IV from `secret` (whose length must be the suite's hash size)
    /// and keys a new AEAD context; nil when OpenSSL refuses.
    init?(suite: TLS13CipherSuite, secret: UnsafeRawBufferPointer, encrypting: Bool) {
        guard secret.count == suite.hashLength,
            let context = fc_tls13_aead_new(suite.cipher, encrypting ? 1 : 0)
        else { return nil }
        self.context = context
        self.suite = suite
        self.secret = Array(secret)
        guard installKeys() else {
            EVP_CIPHER_CTX_free(context)
            return nil
        }
    }

    /// Frees the context and zeroes the secret; the key is unusable afterwards.
    mutating func destroy() {
        EVP_CIPHER_CTX_free(context)
        secret.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }

    /// The nonce of the next record: the IV XOR the sequence number, left-padded to 12
    /// bytes (RFC 8446 §5.3).
    func withNonce<R>(_ body: (UnsafePointer<UInt8>) -> R) -> R {
        var nonce: (UInt32, UInt32, UInt32) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &nonce) { bytes in
            bytes.storeBytes(of: ivHead, toByteOffset: 0, as: UInt32.self)
            bytes.storeBytes(of: ivTail ^ sequence.bigEndian, toByteOffset: 4, as: UInt64.self)
            return body(bytes.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Counts a record sealed or opened with this key; false when the sequence number
    /// would wrap (RFC 8446 §5.3: the connection must then end or rekey; 2^64 records).
    mutating func advance() -> Bool {
        guard sequence < .max else { return false }
        sequence &+= 1
        return true
    }

    /// The next generation: `secret = HKDF-Expand-Label(secret, "traffic upd", "",
    /// Hash.length)`, new key and IV, sequence 0 (RFC 8446 §7.2). False when OpenSSL failed.
    mutating func update() -> Bool {
        var next = [UInt8](repeating: 0, count: suite.hashLength)
        let derived = secret.withUnsafeBytes { old in
            next.withUnsafeMutableBytes { new in
                Self.expand(suite, secret: old, label: "traffic upd", into: new)
            }
        }
        guard derived else { return false }
        secret.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
        secret = next
        sequence = 0
        return installKeys()
    }

    /// Keys the context with `HKDF-Expand-Label(secret, "key")` and keeps
    /// `HKDF-Expand-Label(secret, "iv")` as the nonce base.
    private mutating func installKeys() -> Bool {
        var key = [UInt8](repeating: 0, count: suite.keyLength)
        var iv = [UInt8](repeating: 0, count: 12)
        defer { key.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        let suite = self.suite
        let derived = secret.withUnsafeBytes { secret in
            key.withUnsafeMutableBytes { Self.expand(suite, secret: secret, label: "key", into: $0) }
                && iv.withUnsafeMutableBytes { Self.expand(suite, secret: secret, label: "iv", into: $0) }
        }
        guard derived,
            key.withUnsafeBytes({ EVP_CipherInit_ex(context, nil, nil, $0.baseAddress, nil, -1) }) == 1
        else { return false }
        iv.withUnsafeBytes { bytes in
            ivHead = bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
            ivTail = bytes.loadUnaligned(fromByteOffset: 4, as: UInt64.self)
        }
        return true
    }

    /// `HKDF-Expand-Label(secret, label, "", output.count)` with the suite's hash.
    static func expand(
        _ suite: TLS13CipherSuite, secret: UnsafeRawBufferPointer, label: String, into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        fc_tls13_expand_label(
            suite.digest, secret.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(secret.count), label,
            output.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(output.count)) == 1
    }
}

/// The TLS 1.3 cipher suites whose records ``TLS13RecordLayer`` protects (RFC 8446 §B.4):
/// all three AEADs have a 12-byte nonce and a 16-byte tag.
struct TLS13CipherSuite: Equatable {
    /// The suite's two-byte code, e.g. 0x1301.
    let code: UInt16
    let keyLength: Int
    let hashLength: Int

    /// The suite named by `code`, or nil for one this layer does not handle
    /// (TLS_AES_128_CCM_SHA256 and its 8-byte-tag variant).
    init?(code: UInt16) {
        switch code {
        case 0x1301: keyLength = 16; hashLength = 32  // TLS_AES_128_GCM_SHA256
        case 0x1302: keyLength = 32; hashLength = 48  // TLS_AES_256_GCM_SHA384
        case 0x1303: keyLength = 32; hashLength = 32  // TLS_CHACHA20_POLY1305_SHA256
        default: return nil
        }
        self.code = code
    }

    var cipher: OpaquePointer? {
        switch code {
        case 0x1301: return EVP_aes_128_gcm()
        case 0x1302: return EVP_aes_256_gcm()
        default: return EVP_chacha20_poly1305()
        }
    }

    var digest: OpaquePointer? { hashLength == 48 ? EVP_sha384() : EVP_sha256() }

    /// The suite's IANA name, as OpenSSL reports it.
    var name: String {
        switch code {
        case 0x1301: return "TLS_AES_128_GCM_SHA256"
        case 0x1302: return "TLS_AES_256_GCM_SHA384"
        default: return "TLS_CHACHA20_POLY1305_SHA256"
        }
    }
}
