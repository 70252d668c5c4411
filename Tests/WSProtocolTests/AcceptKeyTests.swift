import Testing
@testable import WSProtocol

struct AcceptKeyTests {
    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    @Test("§1.3 the RFC's example key gives s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    func rfcExample() {
        #expect(AcceptKey.compute(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test("FIPS 180 SHA-1 test vectors")
    func sha1Vectors() {
        #expect(hex(SHA1.hash(Array(ascii: "abc"))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(hex(SHA1.hash([UInt8]())) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(hex(SHA1.hash(Array(ascii: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))
            == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(hex(SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)))
            == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test("SHA-1 is the same however the input is split (block boundaries 55, 56, 63, 64)")
    func sha1Incremental() {
        for length in [55, 56, 63, 64, 65, 127, 128] {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
            for split in [0, 1, length / 2, length] {
                var sha = SHA1()
                sha.update(data[..<split])
                sha.update(data[split...])
                #expect(sha.finalize() == SHA1.hash(data))
            }
        }
    }

    @Test("RFC 4648 §10 base64 vectors encode and decode")
    func base64Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test("strict base64 refuses bad characters, lengths, padding and non-canonical bits")
    func base64Strict() {
        for bad in ["Zg", "Zg=", "Z===", "Zg==Zg==", "Zm9v!", "Zh==", "Zm9=", "=Zm9", "Zm 9v", "Zg=a"] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
        }
    }
}
