import Testing
@testable import WSProtocol

struct ClosePayloadTests {
    private func parse(_ bytes: [UInt8]) -> Result<ClosePayload, ProtocolViolation> {
        bytes.withUnsafeBytes { raw in
            do throws(ProtocolViolation) { return .success(try ClosePayload(parsing: raw)) } catch { return .failure(error) }
        }
    }

    @Test("§5.5.1 an empty body has no code")
    func empty() {
        #expect(parse([]) == .success(ClosePayload(code: nil)))
    }

    @Test("§5.5.1 a 1-byte body is a protocol error")
    func oneByte() {
        #expect(parse([0x03]) == .failure(.invalidClosePayloadLength))
        #expect(ProtocolViolation.invalidClosePayloadLength.closeCode == .protocolError)
    }

    @Test("§7.4 a code that must not be on the wire is a protocol error")
    func invalidCode() {
        for raw: UInt16 in [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] {
            #expect(parse(closeBody(raw)) == .failure(.invalidCloseCode(raw)))
        }
        #expect(ProtocolViolation.invalidCloseCode(1005).closeCode == .protocolError)
    }

    @Test("§8.1 a reason that is not UTF-8 fails with 1007")
    func invalidReason() {
        #expect(parse(closeBody(1000) + [0xC0, 0x80]) == .failure(.invalidUTF8))
        #expect(parse(closeBody(1000) + [0xE2, 0x82]) == .failure(.invalidUTF8))
        #expect(ProtocolViolation.invalidUTF8.closeCode == .invalidFramePayloadData)
    }

    @Test("§5.5.1 code and UTF-8 reason round trip")
    func roundTrip() {
        let payload = ClosePayload(code: .goingAway, reason: "bye ✓")
        #expect(parse(payload.bytes) == .success(payload))
        var writer = ByteWriter()
        payload.write(into: &writer)
        #expect(writer.readableBytes == payload.bytes)
        #expect(payload.encodedLength == payload.bytes.count)
    }

    @Test("§5.5 a reason longer than 123 bytes is cut at a character boundary")
    func truncation() {
        let long = String(repeating: "é", count: 100)  // 200 bytes
        let payload = ClosePayload(code: .normalClosure, reason: long)
        #expect(payload.reason.utf8.count == 122)
        #expect(payload.encodedLength <= 125)
        #expect(ClosePayload(code: .normalClosure, reason: String(repeating: "a", count: 123)).reason.utf8.count == 123)
    }
}
