import CoachingCore
import Persistence
import Testing

struct AccessTokenTests {
    /// A deterministic generator, so the format check has exact expectations.
    struct CountingGenerator: RandomNumberGenerator {
        var state: UInt64 = 0x1234_5678
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state
        }
    }

    @Test("a token has the fc_<scope>_<id>_<secret> shape and parses back to itself")
    func formatRoundTrip() throws {
        var generator = CountingGenerator()
        for scope in TokenScope.allCases {
            let token = AccessToken.generate(scope: scope, using: &generator)
            #expect(token.text.hasPrefix("fc_\(scope.letter)_"))
            #expect(token.id.count == 8 && token.secret.count == 40)
            #expect(AccessToken(parsing: token.text) == token)
            #expect(!token.description.contains(token.secret))
        }
    }

    @Test("malformed tokens are refused", arguments: [
        "", "fc", "fc_i_short_secret", "gh_i_AAAAAAAA_" + String(repeating: "a", count: 40),
        "fc_x_AAAAAAAA_" + String(repeating: "a", count: 40), "fc_i_AAAAAAA!_" + String(repeating: "a", count: 40),
        "fc_i_AAAAAAAA_" + String(repeating: "a", count: 39), "fc_i_AAAAAAAA_" + String(repeating: "a", count: 40) + "_x",
    ])
    func malformed(_ text: String) {
        #expect(AccessToken(parsing: text) == nil)
    }

    @Test("two generated tokens differ")
    func unique() {
        #expect(AccessToken.generate(scope: .ingest) != AccessToken.generate(scope: .ingest))
    }

    @Test("SHA-256 matches the FIPS 180-2 test vector for \"abc\"")
    func sha256Vector() {
        #expect(TokenDigest.hex(TokenDigest.sha256(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenDigest.hex(TokenDigest.sha256([]))
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("constant-time comparison agrees with ==")
    func constantTimeEquals() {
        #expect(TokenDigest.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!TokenDigest.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!TokenDigest.constantTimeEquals([1, 2, 3], [1, 2]))
    }

    @Test("matches(_:) accepts the token's own record and rejects a revoked one")
    func matchesRecord() {
        let token = AccessToken.generate(scope: .read)
        var record = TokenRecord(id: token.id, userId: "u", scope: .read, secretHash: token.secretHash, createdAtMs: 0)
        #expect(token.matches(record))
        record.revokedAtMs = 1
        #expect(!token.matches(record))
    }
}
