import Testing
import WSProtocol

@testable import CoachingCore

/// RFC 6455 §5.2 framing of the shared, pre-encoded server frames.
struct SharedFrameTests {
    @Test("a short payload is one final, unmasked text frame with a 7-bit length")
    func shortFrame() {
        let payload = Array(#"{"type":"event"}"#.utf8)
        let frame = SharedFrame(textPayload: payload)
        #expect(frame.bytes[0] == 0x81)  // FIN + text
        #expect(frame.bytes[1] == UInt8(payload.count))  // no mask bit
        #expect(frame.payload == payload)
        #expect(frame.bytes.count == payload.count + 2)
    }

    @Test("RFC 6455 §5.2: a 200-byte payload uses the 16-bit extended length")
    func extendedLength() {
        let payload = [UInt8](repeating: UInt8(ascii: "a"), count: 200)
        let frame = SharedFrame(textPayload: payload)
        #expect(Array(frame.bytes.prefix(4)) == [0x81, 126, 0, 200])
        #expect(frame.payloadCount == 200)
    }

    @Test("a client decoder reads the shared frame back as one final text frame with the payload")
    func decodesBack() {
        let payload = Array(#"{"type":"event","channel":"leaderboard:day:flow_time"}"#.utf8)
        let frame = SharedFrame(textPayload: payload)
        var decoder = FrameDecoder(role: .client, maxFrameSize: 1 << 16)
        var bytes = frame.bytes
        var decoded: [UInt8] = []
        var sawHeader = false
        bytes.withUnsafeMutableBytes { raw in
            var consumed = 0
            while consumed < raw.count {
                switch decoder.next(raw, consumed: &consumed) {
                case .header(let header):
                    sawHeader = header.fin && header.opcode == .text && header.maskingKey == nil
                case .payload(_, let run, _, _):
                    decoded.append(contentsOf: run)
                case .needMoreData, .failed:
                    return
                }
            }
        }
        #expect(sawHeader)
        #expect(decoded == payload)
    }

    @Test("a connection without a shared deflate variant gets the uncompressed frame")
    func variants() {
        let plain = SharedFrame(textPayload: Array("x".utf8))
        let compressedBytes: [UInt8] = [0xC1, 0x03, 0xAB, 0x00, 0x00]
        let key = SharedFrame.DeflateVariant(serverMaxWindowBits: 15)
        let withVariant = SharedFrame(
            textPayload: Array("x".utf8), deflated: [key: SharedFrame(frameBytes: compressedBytes, payloadCount: 3)])
        #expect(plain.frame(for: key) === plain)
        #expect(withVariant.frame(for: nil) === withVariant)
        #expect(withVariant.frame(for: key).bytes == compressedBytes)
        #expect(withVariant.frame(for: SharedFrame.DeflateVariant(serverMaxWindowBits: 10)) === withVariant)
    }
}
