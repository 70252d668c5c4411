public import CoachingCore

/// An API key in the form WakaTime's clients accept: `waka_<UUID v4>`.
///
/// The plugins check a key's form before they send anything (`^(waka_)?<UUIDv4>$`; the
/// last Python client wants the bare UUID), so a Flowcoach key for them must look like
/// one. It is an ordinary token record — a public id to list and revoke it by, a scope,
/// and only the SHA-256 of the canonical text `waka_<lowercase uuid>` — looked up by that
/// hash, since the key has no id inside it. A UUID v4 carries 122 random bits.
public struct WakaTimeKey: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "waka_"
    /// Lowercase `8-4-4-4-12` hexadecimal, version nibble 4, variant 8…b.
    public let uuid: String

    /// The text handed to the user (and to `~/.wakatime.cfg`).
    public var text: String { Self.prefix + uuid }
    /// Redacted.
    public var description: String { Self.prefix + uuid.prefix(4) + "…" }
    /// What the store keeps: SHA-256 of ``text``.
    public var secretHash: [UInt8] { TokenDigest.sha256(Array(text.utf8)) }

    /// A new key from the system CSPRNG.
    public static func generate() -> WakaTimeKey {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    public static func generate(using generator: inout some RandomNumberGenerator) -> WakaTimeKey {
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // RFC 9562 §5.4: version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 §4.1: variant 10xx
        let hex = TokenDigest.hex(bytes)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return WakaTimeKey(uuid: parts.joined(separator: "-"))
    }

    private init(uuid: String) { self.uuid = uuid }

    /// Parses `waka_<uuid>` or a bare UUID v4 (any letter case); nil for anything else.
    public init?(parsing text: some StringProtocol) {
        var rest = Substring(text)
        if rest.hasPrefix(Self.prefix) { rest = rest.dropFirst(Self.prefix.count) }
        let bytes = Array(rest.utf8)
        guard bytes.count == 36 else { return nil }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 8, 13, 18, 23: guard byte == UInt8(ascii: "-") else { return nil }
            default: guard Self.isHex(byte) else { return nil }
            }
        }
        let lower = rest.lowercased()
        let utf8 = Array(lower.utf8)
        guard utf8[14] == UInt8(ascii: "4"), [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(utf8[19])
        else { return nil }
        self.init(uuid: lower)
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}

extension TokenAuthenticator {
    /// Verifies a WakaTime-form key (``WakaTimeKey``) or, for clients configured with one,
    /// a Flowcoach token (`fc_…`). Same outcomes as ``verify(_:in:)``.
    public static func verifyWakaTime(_ presented: String, in store: any Store) throws(StoreError) -> Verification {
        guard let key = WakaTimeKey(parsing: presented) else { return try verify(presented, in: store) }
        guard let record = try store.token(secretHash: key.secretHash),
            TokenDigest.constantTimeEquals(record.secretHash, key.secretHash)
        else { return .unknown }
        guard !record.isRevoked else { return .revoked }
        guard let user = try store.user(id: record.userId) else { return .unknown }
        return .valid(record, user)
    }
}
