internal import CLinux
internal import COpenSSL
internal import Glibc
import CoachingCore
import LoopKit

extension TLSContext {
    /// What the startup log line says about the loaded leaf certificate.
    struct CertificateSummary {
        var subject: String
        var notAfter: String
    }

    /// Loads the PEM chain, refuses any certificate outside its validity period, then
    /// loads the key and checks that it matches the leaf (`SSL_CTX_check_private_key`).
    static func loadCertificateAndKey(
        _ context: OpaquePointer, _ configuration: TLSConfiguration
    ) throws(TLSContextError) -> CertificateSummary {
        let chainPath = configuration.certificateChainPath
        guard SSL_CTX_use_certificate_chain_file(context, chainPath) == 1,
            let leaf = SSL_CTX_get0_certificate(context)
        else {
            throw .cannotLoadCertificateChain(
                path: chainPath, reason: OpenSSLErrorQueue.message(or: "no certificate in the file"))
        }
        try checkValidityPeriod(of: leaf, path: chainPath)
        if let chain = fc_SSL_CTX_get0_chain_certs(context) {
            for index in 0..<fc_sk_X509_num(chain) {
                guard let certificate = fc_sk_X509_value(chain, index) else { continue }
                try checkValidityPeriod(of: certificate, path: chainPath)
            }
        }

        let keyPath = configuration.privateKeyPath
        let key = try readPrivateKey(path: keyPath)
        defer { EVP_PKEY_free(key) }
        // SSL_CTX_use_PrivateKey fails on a mismatched key of the certificate's type;
        // check_private_key catches a key of another type (e.g. RSA key, ECDSA cert).
        guard SSL_CTX_use_PrivateKey(context, key) == 1, SSL_CTX_check_private_key(context) == 1 else {
            ERR_clear_error()
            throw .privateKeyDoesNotMatchCertificate(certificatePath: chainPath, privateKeyPath: keyPath)
        }
        let notAfter = X509_get0_notAfter(leaf).map(isoDate) ?? "unknown"
        return CertificateSummary(subject: subject(of: leaf), notAfter: notAfter)
    }

    /// Refuses a certificate whose notAfter has passed or whose notBefore is ahead of
    /// the system clock: clients would reject it anyway, one handshake at a time.
    private static func checkValidityPeriod(of certificate: OpaquePointer, path: String) throws(TLSContextError) {
        guard let notBefore = X509_get0_notBefore(certificate), let notAfter = X509_get0_notAfter(certificate)
        else {
            throw .cannotLoadCertificateChain(path: path, reason: "certificate without validity dates")
        }
        // X509_cmp_current_time: -1 when the time is at or before now, 1 when after, 0 on error.
        let afterCheck = X509_cmp_current_time(notAfter)
        if afterCheck <= 0 {
            throw .certificateExpired(path: path, subject: subject(of: certificate), notAfter: isoDate(notAfter))
        }
        let beforeCheck = X509_cmp_current_time(notBefore)
        if beforeCheck >= 0 {
            throw .certificateNotYetValid(
                path: path, subject: subject(of: certificate), notBefore: isoDate(notBefore))
        }
    }

    /// Reads a PEM private key. An encrypted key fails instead of prompting on the
    /// terminal (the password callback supplies no password).
    private static func readPrivateKey(path: String) throws(TLSContextError) -> OpaquePointer {
        guard let file = BIO_new_file(path, "r") else {
            throw .cannotLoadPrivateKey(path: path, reason: OpenSSLErrorQueue.message(or: "cannot open the file"))
        }
        defer { BIO_free(file) }
        guard let key = PEM_read_bio_PrivateKey(file, nil, { _, _, _, _ in 0 }, nil) else {
            throw .cannotLoadPrivateKey(
                path: path, reason: OpenSSLErrorQueue.message(or: "no PEM private key in the file"))
        }
        return key
    }

    /// The subject as one line, e.g. "/CN=localhost".
    static func subject(of certificate: OpaquePointer) -> String {
        guard let name = X509_get_subject_name(certificate) else { return "(no subject)" }
        var buffer = [CChar](repeating: 0, count: 256)
        let text = buffer.withUnsafeMutableBufferPointer { raw -> String? in
            guard let base = raw.baseAddress, X509_NAME_oneline(name, base, Int32(raw.count)) != nil else {
                return nil
            }
            return String(cString: base)
        }
        return text ?? "(unprintable subject)"
    }

    /// An ASN.1 time as ISO 8601 UTC, e.g. "2020-01-02T00:00:00Z".
    static func isoDate(_ time: UnsafePointer<ASN1_TIME>) -> String {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return "(unparsable date)" }
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }
}
