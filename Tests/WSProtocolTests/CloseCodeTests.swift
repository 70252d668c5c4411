import Testing
@testable import WSProtocol

struct CloseCodeTests {
    @Test("§7.4 the received-code table is exact for every value 0...5000")
    func exhaustiveTable() {
        for raw in UInt16(0)...5000 {
            let expected: Bool
            if raw < 1000 { expected = false }                           // §7.4.2: not used
            else if raw == 1004 || raw == 1005 || raw == 1006 { expected = false }  // reserved / MUST NOT be sent
            else if raw == 1015 { expected = false }                     // TLS failure, MUST NOT be sent
            else if raw <= 1014 { expected = true }                      // 1000-1003, 1007-1011, IANA 1012-1014
            else if raw <= 2999 { expected = false }                     // reserved for the RFC's revisions
            else { expected = raw <= 4999 }                              // registered and private use
            #expect(CloseCode(rawValue: raw).isValidReceived == expected, "code \(raw)")
            #expect(CloseCode(rawValue: raw).isSendable == expected, "code \(raw)")
        }
        #expect(!CloseCode(rawValue: 65535).isValidReceived)
    }

    @Test("§7.4.1 named codes carry their numbers")
    func names() {
        #expect(CloseCode.normalClosure.rawValue == 1000)
        #expect(CloseCode.protocolError.rawValue == 1002)
        #expect(CloseCode.noStatusReceived.rawValue == 1005)
        #expect(CloseCode.invalidFramePayloadData.rawValue == 1007)
        #expect(CloseCode.messageTooBig.rawValue == 1009)
        #expect(CloseCode.internalError.rawValue == 1011)
        #expect(CloseCode.tlsHandshakeFailure.rawValue == 1015)
    }
}
