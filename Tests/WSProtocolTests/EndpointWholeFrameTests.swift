import TestSupport
import Testing
@testable import WSProtocol

/// The whole-frame fast path (`nextWholeFrame`) decides exactly as the general path: the
/// same stream fed whole (fast path where it applies) and one byte per read (never the
/// fast path) gives the same events, replies and unmasked payloads.
struct EndpointWholeFrameTests {
    static let multibyte = Array("façade — ✓ 𝄞 done".utf8)

    static let streams: [(String, [UInt8])] = [
        ("ASCII text", clientFrame(.text, Array(ascii: "hello, echo"))),
        ("text of 64 bytes", clientFrame(.text, [UInt8](repeating: UInt8(ascii: "a"), count: 64))),
        ("multi-byte text", clientFrame(.text, multibyte)),
        ("text with a 16-bit length", clientFrame(.text, [UInt8](repeating: UInt8(ascii: "z"), count: 300))),
        ("binary with the high bit", clientFrame(.binary, [UInt8](0...255))),
        ("§8.1 invalid UTF-8 at the start", clientFrame(.text, [0xFF] + Array(ascii: "abc"))),
        ("§8.1 invalid UTF-8 in the word loop", clientFrame(.text, Array(ascii: "0123456789") + [0xC0, 0x80] + Array(ascii: "tail"))),
        ("§8.1 invalid UTF-8 in the tail", clientFrame(.text, Array(ascii: "01234567") + [0xED, 0xA0, 0x80])),
        ("§8.1 a sequence cut at the end", clientFrame(.text, Array(ascii: "0123456") + [0xE2, 0x9C])),
        ("an empty text message", clientFrame(.text, [])),
        ("§5.1 an unmasked client frame", clientFrame(.text, Array(ascii: "x"), mask: nil)),
        ("§5.2 RSV1 without an extension", clientFrame(.text, Array(ascii: "x"), rsv: 0x40)),
        ("§5.4 a first fragment", clientFrame(.text, Array(ascii: "frag"), fin: false) + clientFrame(.continuation, Array(ascii: "ment"))),
        ("§5.4 a continuation with no message", clientFrame(.continuation, Array(ascii: "x"))),
        ("a ping between messages", clientFrame(.text, Array(ascii: "a")) + clientFrame(.ping, Array(ascii: "p")) + clientFrame(.binary, [1, 2])),
        ("non-minimal 16-bit length", rawNonMinimal(Array(ascii: "short"))),
        ("several messages in one read", (0..<16).flatMap { clientFrame($0 % 3 == 0 ? .binary : .text, Array(ascii: "message \($0)")) }),
    ]

    /// A text frame whose 5-byte length is written in the 16-bit form (legal to receive).
    static func rawNonMinimal(_ payload: [UInt8]) -> [UInt8] {
        var masked = payload
        masked.withUnsafeMutableBytes { fixedKey.unmask($0) }
        let key = fixedKey.packed
        return [0x81, 0x80 | 126, 0, UInt8(payload.count)]
            + (0..<4).map { UInt8(truncatingIfNeeded: key >> (8 * UInt32($0))) } + masked
    }

    @Test("whole and byte-by-byte reads give the same events and replies", arguments: streams.indices)
    func sameAsGeneralPath(index: Int) {
        let (name, stream) = Self.streams[index]
        let whole = serverTranscript(stream)
        let byteByByte = serverTranscript(stream, splits: Array(1..<stream.count))
        #expect(whole == byteByByte, "\(name)")
        #expect(!whole.events.isEmpty, "\(name)")
    }

    @Test("the limits are checked from the header on the fast path too", arguments: [
        Limits(maxFrameSize: 63, maxMessageSize: 1000), Limits(maxFrameSize: 1000, maxMessageSize: 63),
    ])
    func limits(limits: Limits) {
        let stream = clientFrame(.text, [UInt8](repeating: UInt8(ascii: "a"), count: 64))
        let whole = serverTranscript(stream, limits: limits)
        #expect(whole == serverTranscript(stream, splits: Array(1..<stream.count), limits: limits))
        guard case .failed(let violation)? = whole.events.last else {
            Issue.record("expected a failure, got \(whole.events)")
            return
        }
        #expect(violation.closeCode == .messageTooBig)
    }

    @Test("a client endpoint refuses a masked frame whole as byte by byte")
    func clientRole() {
        let stream = clientFrame(.text, Array(ascii: "masked"))
        var whole = WebSocketEndpoint(role: .client, maskingKeys: SeededGenerator(seed: 1))
        var split = WebSocketEndpoint(role: .client, maskingKeys: SeededGenerator(seed: 1))
        let a = feed(&whole, stream)
        let b = feed(&split, stream, splits: Array(1..<stream.count))
        #expect(a == b)
        #expect(a.events == [.failed(.maskedServerFrame)])
    }

    @Test("unmaskReportingASCII unmasks like the byte-wise definition and finds any high bit")
    func unmaskReportingASCII() {
        var rng = SeededGenerator(seed: 7)
        let key = MaskingKey.random(using: &rng)
        for length in 0..<70 {
            let ascii = (0..<length).map { _ in UInt8.random(in: 0...0x7F, using: &rng) }
            for highAt in [nil] + Array(0..<length) as [Int?] {
                var plain = ascii
                if let highAt { plain[highAt] |= 0x80 }
                var masked = plain
                masked.withUnsafeMutableBytes { key.unmaskBytewise($0) }
                let reported = masked.withUnsafeMutableBytes { key.unmaskReportingASCII($0) }
                #expect(masked == plain, "length \(length)")
                #expect(reported == (highAt == nil), "length \(length) high bit at \(String(describing: highAt))")
            }
        }
    }
}
