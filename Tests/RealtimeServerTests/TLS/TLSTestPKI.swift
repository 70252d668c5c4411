@testable import CoachingCore
import Foundation

/// A throwaway PKI generated once per test process with the `openssl` CLI into a
/// temporary directory: a test CA, an ECDSA P-256 and an RSA-2048 server certificate
/// for localhost / 127.0.0.1, an unrelated CA, an expired and a not-yet-valid
/// certificate, a foreign key and an encrypted key.
struct TLSTestPKI: Sendable {
    /// Directory holding every file.
    let directory: String

    var caCertificate: String { directory + "/ca.pem" }
    var otherCACertificate: String { directory + "/other-ca.pem" }
    var serverCertificate: String { directory + "/server.pem" }
    var serverKey: String { directory + "/server.key" }
    var rsaServerCertificate: String { directory + "/rsa-server.pem" }
    var rsaServerKey: String { directory + "/rsa-server.key" }
    var expiredCertificate: String { directory + "/expired.pem" }
    var notYetValidCertificate: String { directory + "/future.pem" }
    /// A P-256 key that belongs to no certificate here.
    var foreignKey: String { directory + "/foreign.key" }
    /// `serverKey` encrypted with a passphrase.
    var encryptedKey: String { directory + "/encrypted.key" }
    /// A second server certificate (CN=reloaded) with `serverKey`, for reload tests.
    var reloadedCertificate: String { directory + "/reloaded.pem" }

    /// The PKI shared by all tests, generated on first use (`static let` is
    /// thread-safe). Without the `openssl` CLI every TLS test fails with the reason,
    /// instead of crashing the test process.
    static let shared: Result<TLSTestPKI, GenerationFailed> = {
        do {
            return .success(try TLSTestPKI.generate())
        } catch let error as GenerationFailed {
            return .failure(error)
        } catch {
            return .failure(GenerationFailed(description: "cannot generate the test PKI: \(error)"))
        }
    }()

    struct GenerationFailed: Error, CustomStringConvertible {
        var description: String
    }

    private static func generate() throws -> TLSTestPKI {
        let directory = NSTemporaryDirectory() + "flowcoach-tls-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = """
            set -e
            cd "\(directory)"
            printf '[ca]\\ndefault_ca=d\\n[d]\\ndatabase=index.txt\\nnew_certs_dir=.\\nserial=serial\\ndefault_md=sha256\\npolicy=p\\nunique_subject=no\\ncopy_extensions=copy\\n[p]\\ncommonName=supplied\\n' > ca.cnf
            : > index.txt; echo 1000 > serial
            ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
            san="subjectAltName=DNS:localhost,IP:127.0.0.1"
            openssl req -x509 $ec -keyout ca.key -out ca.pem -subj "/CN=Flowcoach Test CA" -days 3650 \
              -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
            openssl req -x509 $ec -keyout other-ca.key -out other-ca.pem -subj "/CN=Other CA" -days 3650
            openssl req -new $ec -keyout server.key -out server.csr -subj /CN=localhost -addext "$san"
            openssl req -new -newkey rsa:2048 -nodes -keyout rsa-server.key -out rsa-server.csr -subj /CN=localhost -addext "$san"
            openssl req -new -key server.key -out reloaded.csr -subj /CN=reloaded -addext "$san"
            sign() { openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key "$@"; }
            sign -in server.csr -out server.pem -days 30
            sign -in rsa-server.csr -out rsa-server.pem -days 30
            sign -in reloaded.csr -out reloaded.pem -days 30
            sign -in server.csr -out expired.pem -startdate 20200101000000Z -enddate 20200102000000Z
            sign -in server.csr -out future.pem -startdate 20990101000000Z -enddate 21000101000000Z
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out foreign.key
            openssl pkey -in server.key -aes256 -passout pass:secret -out encrypted.key
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw GenerationFailed(description: String(decoding: stderr, as: UTF8.self))
        }
        return TLSTestPKI(directory: directory)
    }
}
