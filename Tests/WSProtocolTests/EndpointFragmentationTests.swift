import TestSupport
import Testing
@testable import WSProtocol

/// RFC 6455 §5.4: fragmentation, from both sides.
struct EndpointFragmentationTests {
    @Test("§5.4 a fragmented text message is delivered once, whole", arguments: [Role.server, .client])
    func fragmentedText(role: Role) {
        let stream = frame(role, .text, Array(ascii: "Hel"), fin: false) + frame(role, .continuation, Array(ascii: "lo, "), fin: false)
            + frame(role, .continuation, Array(ascii: "world"))
        #expect(transcript(role, stream).events == [.text(Array(ascii: "Hello, world"))])
    }

    @Test("§5.4 control frames MAY be injected in the middle of a fragmented message", arguments: [Role.server, .client])
    func controlBetweenFragments(role: Role) {
        let stream = frame(role, .binary, [1, 2], fin: false) + frame(role, .ping, [9]) + frame(role, .continuation, [3], fin: false)
            + frame(role, .pong, [8]) + frame(role, .continuation, [4])
        #expect(transcript(role, stream).events == [.ping([9]), .pong([8]), .binary([1, 2, 3, 4])])
    }

    @Test("§5.4 a continuation frame without a message in progress fails with 1002", arguments: [Role.server, .client])
    func unexpectedContinuation(role: Role) {
        let result = transcript(role, frame(role, .continuation, [1]))
        #expect(result.events == [.failed(.unexpectedContinuation)])
        #expect(closeCode(in: result.output, role: role) == 1002)
    }

    @Test("§5.4 a new data frame inside a fragmented message fails with 1002", arguments: [Role.server, .client])
    func expectedContinuation(role: Role) {
        let stream = frame(role, .text, Array(ascii: "a"), fin: false) + frame(role, .binary, [1])
        let result = transcript(role, stream)
        #expect(result.events == [.failed(.expectedContinuation)])
        #expect(closeCode(in: result.output, role: role) == 1002)
    }

    @Test("§8.1 UTF-8 is validated across fragments, including a character split between them")
    func utf8AcrossFragments() {
        let euro: [UInt8] = [0xE2, 0x82, 0xAC]
        let stream = clientFrame(.text, [0x41, euro[0]], fin: false) + clientFrame(.continuation, [euro[1]], fin: false)
            + clientFrame(.continuation, [euro[2], 0x42])
        #expect(serverTranscript(stream).events == [.text([0x41] + euro + [0x42])])
    }

    @Test("§8.1 an invalid byte in the first fragment fails before the message ends (fail fast)")
    func failFastAcrossFragments() {
        let first = clientFrame(.text, [0x41, 0xC0, 0x80], fin: false)
        var endpoint = WebSocketEndpoint()
        let result = feed(&endpoint, first)
        #expect(result.events == [.failed(.invalidUTF8)])
        #expect(closeCode(in: result.output, role: .server) == 1007)
        // Fail fast inside one frame too: the bad byte arrives before the rest of the frame.
        let whole = clientFrame(.text, [0x41, 0xFF] + [UInt8](repeating: 0x41, count: 100))
        var second = WebSocketEndpoint()
        #expect(feed(&second, Array(whole.prefix(9))).events == [.failed(.invalidUTF8)])
    }

    @Test("§8.1 a character truncated at the end of the message fails with 1007")
    func truncatedAtEnd() {
        let stream = clientFrame(.text, [0x41, 0xE2], fin: false) + clientFrame(.continuation, [0x82])
        #expect(serverTranscript(stream).events == [.failed(.invalidUTF8)])
        #expect(serverTranscript(clientFrame(.text, [0xF0, 0x9F, 0x8E])).events == [.failed(.invalidUTF8)])
    }

    @Test("§5.4 empty fragments are legal, including an empty final continuation")
    func emptyFragments() {
        let stream = clientFrame(.text, [], fin: false) + clientFrame(.continuation, Array(ascii: "x"), fin: false)
            + clientFrame(.continuation, [])
        #expect(serverTranscript(stream).events == [.text(Array(ascii: "x"))])
        #expect(serverTranscript(clientFrame(.binary, [])).events == [.binary([])])
    }

    @Test("§5.4 consecutive fragmented messages are independent")
    func consecutiveMessages() {
        let stream = clientFrame(.text, Array(ascii: "a"), fin: false) + clientFrame(.continuation, Array(ascii: "b"))
            + clientFrame(.binary, [1], fin: false) + clientFrame(.continuation, [2]) + clientFrame(.text, Array(ascii: "c"))
        #expect(serverTranscript(stream).events == [.text(Array(ascii: "ab")), .binary([1, 2]), .text(Array(ascii: "c"))])
    }
}

/// A frame as the peer of `role` sends it.
func frame(_ role: Role, _ opcode: Opcode, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
    switch role {
    case .server: return clientFrame(opcode, payload, fin: fin)
    case .client: return serverFrame(opcode, payload, fin: fin)
    }
}

/// Decodes `stream` with a fresh endpoint playing `role`.
func transcript(_ role: Role, _ stream: [UInt8], splits: [Int] = []) -> Transcript {
    var endpoint = WebSocketEndpoint(role: role, maskingKeys: role == .client ? SeededGenerator(seed: 3) : nil)
    return feed(&endpoint, stream, splits: splits)
}

/// The status code of the first Close frame in an endpoint's output (masked for a client).
func closeCode(in output: [UInt8], role: Role) -> UInt16? {
    var decoder = FrameDecoder(role: role == .server ? .client : .server, maxFrameSize: .max)
    var copy = output
    return copy.withUnsafeMutableBytes { buffer -> UInt16? in
        var consumed = 0
        var body: [UInt8] = []
        while true {
            switch decoder.next(buffer, consumed: &consumed) {
            case .needMoreData, .failed: return nil
            case .header: body = []
            case .payload(let header, let run, _, let isLast):
                body += Array(run)
                if isLast && header.opcode == .close {
                    return body.count >= 2 ? UInt16(body[0]) << 8 | UInt16(body[1]) : 1005
                }
            }
        }
    }
}
