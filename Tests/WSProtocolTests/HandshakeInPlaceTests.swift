import Testing
@testable import WSProtocol

/// The handshake's allocation-free helpers agree with the building versions they replace.
struct HandshakeInPlaceTests {
    static let base64Inputs = [
        "", "AA==", "AAA=", "AAAA", "dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZQ",
        "=AAA", "A=AA", "AA=A", "AB==", "AAB=", "A", "AB", "ABC", "++//", "-_==", "AA==AA==", "Zm9vYmFy", "Zm9vYg==",
    ]

    @Test("Base64.decodedCount is decode(_:)?.count", arguments: base64Inputs)
    func decodedCount(_ input: String) {
        #expect(Base64.decodedCount(input) == Base64.decode(input)?.count)
    }

    @Test("Base64.encode into a buffer writes what the String version returns")
    func encodeInto() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            var out = [UInt8](repeating: 0, count: Base64.encodedCount(length))
            let written = bytes.withUnsafeBytes { input in out.withUnsafeMutableBytes { Base64.encode(input, into: $0) } }
            #expect(written == out.count)
            #expect(String(decoding: out, as: UTF8.self) == Base64.encode(bytes))
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    static let lists = [
        "websocket", "WebSocket", " keep-alive , Upgrade ", "keep-alive", "upgrade2", "\"upgrade\"", "a, \"b,upgrade\", c",
        "a, \"unterminated, upgrade", ",,upgrade,,", "", "\t upgrade\t", "x\\, upgrade",
    ]

    @Test("listContains agrees with listElements", arguments: lists)
    func listContains(_ value: String) {
        for token in ["upgrade", "websocket", "keep-alive", "\"upgrade\""] {
            let expected = HeaderGrammar.listElements([value])?.contains { HeaderGrammar.equalsIgnoringCase($0, token) }
            #expect(HeaderGrammar.listContains(value, token) == expected, "\(value) / \(token)")
        }
    }

    @Test("the accept key written in place is the RFC 6455 example")
    func acceptKeyInPlace() {
        var out = [UInt8](repeating: 0, count: AcceptKey.length)
        let written = out.withUnsafeMutableBytes { AcceptKey.write(forKey: "dGhlIHNhbXBsZSBub25jZQ==", into: $0) }
        #expect(written == AcceptKey.length)
        #expect(String(decoding: out, as: UTF8.self) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }
}
