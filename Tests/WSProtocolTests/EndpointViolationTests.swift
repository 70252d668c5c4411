import Testing
@testable import WSProtocol

/// RFC 6455 §5.1-§5.5 and §7.4: each violation fails the connection with its close code.
struct EndpointViolationTests {
    static let cases: [(String, [UInt8], ProtocolViolation, UInt16)] = [
        ("§5.1 unmasked client frame", serverFrame(.text, [0x41]), .unmaskedClientFrame, 1002),
        ("§5.2 RSV1 without extension", clientFrame(.text, [0x41], rsv: 0x40), .reservedBitsSet, 1002),
        ("§5.2 RSV2 without extension", clientFrame(.binary, [], rsv: 0x20), .reservedBitsSet, 1002),
        ("§5.2 RSV3 without extension", clientFrame(.binary, [], rsv: 0x10), .reservedBitsSet, 1002),
        ("§5.2 reserved data opcode", rawFrame(firstByte: 0x83, payload: []), .reservedOpcode, 1002),
        ("§5.2 reserved control opcode", rawFrame(firstByte: 0x8B, payload: []), .reservedOpcode, 1002),
        ("§5.5 fragmented ping", rawFrame(firstByte: 0x09, payload: []), .fragmentedControlFrame, 1002),
        ("§5.5 ping over 125 bytes", rawFrame(firstByte: 0x89, payload: [UInt8](repeating: 0, count: 126)), .controlFrameTooLong, 1002),
        ("§5.2 length top bit", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4], .lengthTopBitSet, 1002),
        ("§5.4 continuation without start", clientFrame(.continuation, []), .unexpectedContinuation, 1002),
        ("§8.1 invalid UTF-8 text", clientFrame(.text, [0xED, 0xA0, 0x80]), .invalidUTF8, 1007),
        ("§7.4 close code 1005 on the wire", clientFrame(.close, closeBody(1005)), .invalidCloseCode(1005), 1002),
    ]

    @Test("each violation fails with its close code and a single Close frame, at every split point")
    func violations() {
        for (name, bytes, violation, code) in Self.cases {
            for split in 0..<max(1, bytes.count) {
                let result = serverTranscript(bytes, splits: [split])
                #expect(result.events == [.failed(violation)], "\(name) split \(split)")
                #expect(closeCode(in: result.output, role: .server) == code, "\(name)")
                #expect(violation.closeCode.rawValue == code)
            }
        }
    }

    @Test("every violation's reason fits a Close frame")
    func reasonsFit() {
        let all: [ProtocolViolation] = [.unmaskedClientFrame, .maskedServerFrame, .fragmentedControlFrame, .controlFrameTooLong,
                                        .reservedBitsSet, .reservedOpcode, .unexpectedContinuation, .expectedContinuation,
                                        .invalidUTF8, .frameTooBig(limit: .max), .messageTooBig(limit: .max),
                                        .invalidCloseCode(65535), .invalidClosePayloadLength, .lengthTopBitSet, .invalidExtensionData,
                                        .extensionInternalError]
        for violation in all {
            #expect(violation.reason.utf8.count <= ClosePayload.maximumReasonLength)
            #expect(violation.closeCode.isSendable)
        }
    }
}
