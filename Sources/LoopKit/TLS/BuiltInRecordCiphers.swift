internal import COpenSSL

/// Whether TLS records are encrypted through libcrypto's built-in AEADs rather than OpenSSL
/// 3.0's provider interface, process-wide.
///
/// OpenSSL 3.0's record layer sets the nonce and reads or writes the tag of every record
/// through provider calls that build and search parameter arrays; for a small request and
/// its reply they cost more than the encryption itself (3.1 caches what they look up).
/// ``install()`` registers an engine that hands libssl libcrypto's own AES-128-GCM,
/// AES-256-GCM and ChaCha20-Poly1305 implementations — the same code, reached directly — so
/// a record's AEAD calls skip the parameter arrays. Only these three are affected; the
/// handshake, the record layer and every other algorithm stay as OpenSSL has them. Not
/// installed on other OpenSSL versions, in FIPS mode (the FIPS provider must do the
/// encryption) or without engine support.
public enum BuiltInRecordCiphers: Equatable, Sendable, CustomStringConvertible {
    /// Installed: contexts created from now on use the built-in AEADs.
    case installed
    /// Not wanted with this OpenSSL (another version than 3.0, FIPS mode, no engines).
    case notApplicable
    /// OpenSSL refused the engine; records use the providers as before.
    case refused

    /// Installs the dispatch once per process and returns what happened (the first
    /// call's answer every time). It must run before the `SSL_CTX`s that should use it are
    /// created: a context picks its ciphers when it is created.
    public static func install() -> BuiltInRecordCiphers { outcome }

    /// For the start-up log line.
    public var description: String {
        switch self {
        case .installed: "built-in AEADs"
        case .notApplicable: "providers"
        case .refused: "providers (engine refused)"
        }
    }

    // A static let runs its initialiser once, thread-safely (swift_once).
    private static let outcome: BuiltInRecordCiphers = {
        switch fc_install_builtin_record_ciphers() {
        case 1: return .installed
        case 0: return .notApplicable
        default:
            ERR_clear_error()
            return .refused
        }
    }()
}
