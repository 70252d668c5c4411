public import CoachingCore

/// The text of an API token, as handed to a user once:
///
///     fc_<scope>_<id>_<secret>      e.g.  fc_i_7Kq2ZxPa_N3v…(40 chars)
///
/// - `fc_` marks it as a Flowcoach token, so secret scanners and people recognise a leak.
/// - `<scope>` is `i` (ingest) or `r` (read).
/// - `<id>` is 8 base62 characters: the public id shown by `token list` and used to revoke.
/// - `<secret>` is 40 base62 characters (≈ 238 bits) from the system CSPRNG.
///
/// Only `SHA-256(text)` is stored. Verification looks the record up by the public id and
/// compares hashes in constant time (`TokenDigest.constantTimeEquals`).
public struct AccessToken: Sendable, Hashable, CustomStringConvertible {
    public static let marker = "fc"
    public static let idLength = 8
    public static let secretLength = 40
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    public let scope: TokenScope
    /// The public id (safe to show and log).
    public let id: String
    /// The secret part (never log or store it).
    public let secret: String

    /// The full token text handed to the user.
    public var text: String { "\(Self.marker)_\(scope.letter)_\(id)_\(secret)" }

    /// Redacted: the id only, so a token printed by accident does not leak.
    public var description: String { "\(Self.marker)_\(scope.letter)_\(id)_…" }

    /// SHA-256 of `text`: what the store keeps.
    public var secretHash: [UInt8] { TokenDigest.sha256(Array(text.utf8)) }

    /// A new token from `generator`, which must be cryptographically secure in production.
    public static func generate(scope: TokenScope, using generator: inout some RandomNumberGenerator) -> AccessToken {
        AccessToken(scope: scope, id: randomBase62(idLength, using: &generator), secret: randomBase62(secretLength, using: &generator))
    }

    /// A new token from the system CSPRNG (`getrandom(2)` on Linux).
    public static func generate(scope: TokenScope) -> AccessToken {
        var generator = SystemRandomNumberGenerator()
        return generate(scope: scope, using: &generator)
    }

    private init(scope: TokenScope, id: String, secret: String) {
        self.scope = scope
        self.id = id
        self.secret = secret
    }

    /// Parses a presented token; nil unless it has exactly the documented shape.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.marker else { return nil }
        let scope: TokenScope
        switch parts[1] {
        case "i": scope = .ingest
        case "r": scope = .read
        default: return nil
        }
        guard parts[2].utf8.count == Self.idLength, parts[3].utf8.count == Self.secretLength,
            Self.isBase62(parts[2]), Self.isBase62(parts[3])
        else { return nil }
        self.init(scope: scope, id: String(parts[2]), secret: String(parts[3]))
    }

    /// `true` when this token is the one `record` was created from, still valid.
    /// Compares the hashes in constant time.
    public func matches(_ record: TokenRecord) -> Bool {
        record.id == id && record.scope == scope && !record.isRevoked
            && TokenDigest.constantTimeEquals(record.secretHash, secretHash)
    }

    private static func isBase62<S: StringProtocol>(_ text: S) -> Bool {
        text.utf8.allSatisfy { alphabet.contains($0) }
    }

    /// Uniform base62 characters by rejection sampling (no modulo bias).
    private static func randomBase62(_ count: Int, using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let value = UInt8.random(in: 0...255, using: &generator)
            if value < 248 { bytes.append(alphabet[Int(value % 62)]) }  // 248 = 4 × 62
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
