import CoachingCore
/// Why a ``TLSContext`` could not be built from a ``TLSConfiguration``.
///
/// Thrown at startup and on a SIGHUP reload; a failed reload keeps the previous context
/// (see ``TLSContextStore``). Every case names the file at fault so the log line alone
/// tells an operator what to fix.
public enum TLSContextError: Error, Sendable, Hashable, CustomStringConvertible {
    /// OpenSSL could not allocate or configure a context (out of memory, broken install).
    case cannotCreateContext(reason: String)
    /// An ALPN name is empty or longer than 255 bytes (RFC 7301 §3.1).
    case invalidApplicationProtocol
    /// OpenSSL accepted none of the ciphers in the TLS 1.2 cipher list.
    case invalidCipherList(String)
    /// OpenSSL refused the TLS 1.3 cipher suite list (an unknown name, or none usable).
    case invalidCipherSuites(String)
    /// The certificate chain file is missing, unreadable or not PEM certificates.
    case cannotLoadCertificateChain(path: String, reason: String)
    /// The private key file is missing, unreadable, encrypted or not a PEM key.
    case cannotLoadPrivateKey(path: String, reason: String)
    /// The key does not belong to the first certificate of the chain.
    case privateKeyDoesNotMatchCertificate(certificatePath: String, privateKeyPath: String)
    /// A certificate of the chain is past its notAfter date (ISO 8601, UTC).
    case certificateExpired(path: String, subject: String, notAfter: String)
    /// A certificate of the chain is before its notBefore date (ISO 8601, UTC).
    case certificateNotYetValid(path: String, subject: String, notBefore: String)
    /// The CA file for peer verification could not be loaded.
    case cannotLoadTrustRoots(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreateContext(let reason):
            return "TLS: cannot create an OpenSSL context: \(reason)"
        case .invalidApplicationProtocol:
            return "TLS: an ALPN protocol name is empty or longer than 255 bytes"
        case .invalidCipherList(let list):
            return "TLS: no usable cipher in the TLS 1.2 cipher list \"\(list)\""
        case .invalidCipherSuites(let list):
            return "TLS: unusable TLS 1.3 cipher suite list \"\(list)\""
        case .cannotLoadCertificateChain(let path, let reason):
            return "TLS: cannot load the certificate chain \(path): \(reason)"
        case .cannotLoadPrivateKey(let path, let reason):
            return "TLS: cannot load the private key \(path): \(reason)"
        case .privateKeyDoesNotMatchCertificate(let certificatePath, let privateKeyPath):
            return "TLS: the private key \(privateKeyPath) does not match the certificate \(certificatePath)"
        case .certificateExpired(let path, let subject, let notAfter):
            return "TLS: the certificate \(subject) in \(path) expired on \(notAfter) (notAfter)"
        case .certificateNotYetValid(let path, let subject, let notBefore):
            return "TLS: the certificate \(subject) in \(path) is not valid before \(notBefore) (notBefore)"
        case .cannotLoadTrustRoots(let path, let reason):
            return "TLS: cannot load the CA certificates \(path): \(reason)"
        }
    }
}
