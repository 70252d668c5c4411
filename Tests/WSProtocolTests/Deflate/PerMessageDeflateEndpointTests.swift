import Testing
import WSProtocol

/// permessage-deflate through a server `WebSocketEndpoint`, frames in, events out.
struct PerMessageDeflateEndpointTests {
    enum Seen: Equatable {
        case text([UInt8]), binary([UInt8]), ping, failed(UInt16)
    }

    static let mask = MaskingKey(0x37, 0xfa, 0x21, 0x3d)

    static func endpoint(_ parameters: DeflateParameters = DeflateParameters(), maxMessageSize: Int = 1 << 20) -> WebSocketEndpoint {
        WebSocketEndpoint(
            role: .server, limits: Limits(maxMessageSize: maxMessageSize),
            transform: PerMessageDeflateTransform(parameters: parameters, configuration: DeflateConfiguration()))
    }

    /// A masked client frame.
    static func frame(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true, rsv1: Bool) -> [UInt8] {
        var output = ByteWriter()
        FrameEncoder.writeFrame(opcode: opcode, payload: payload, fin: fin, rsv1: rsv1, mask: mask, into: &output)
        return output.readableBytes
    }

    static func receive(_ bytes: [UInt8], by endpoint: inout WebSocketEndpoint) -> [Seen] {
        var input = bytes
        var output = ByteWriter()
        var seen: [Seen] = []
        input.withUnsafeMutableBytes { buffer in
            var consumed = 0
            while true {
                switch endpoint.nextEvent(from: buffer, consumed: &consumed, output: &output) {
                case .needMoreData: return
                case .text(let payload): seen.append(.text(Array(payload)))
                case .binary(let payload): seen.append(.binary(Array(payload)))
                case .ping: seen.append(.ping)
                case .pong, .closed: break
                case .failed(let violation):
                    seen.append(.failed(violation.closeCode.rawValue))
                    return
                }
            }
        }
        return seen
    }

    let hello = Array("Hello".utf8)

    @Test("§7.2.3.1: a compressed 'Hello' in one frame and in two fragments")
    func helloFrames() {
        var endpoint = Self.endpoint()
        var bytes = Self.frame(.text, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], rsv1: true)
        bytes += Self.frame(.text, [0xf2, 0x48, 0xcd], fin: false, rsv1: true)
        bytes += Self.frame(.continuation, [0xc9, 0xc9, 0x07, 0x00], rsv1: false)
        #expect(Self.receive(bytes, by: &endpoint) == [.text(hello), .text(hello)])
    }

    @Test("§7.2.3.2: context takeover across messages; an uncompressed message in between")
    func takeover() {
        var endpoint = Self.endpoint()
        var bytes = Self.frame(.text, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], rsv1: true)
        bytes += Self.frame(.binary, [1, 2, 3], rsv1: false)
        bytes += Self.frame(.text, [0xf2, 0x00, 0x11, 0x00, 0x00], rsv1: true)
        #expect(Self.receive(bytes, by: &endpoint) == [.text(hello), .binary([1, 2, 3]), .text(hello)])
    }

    @Test("§6: RSV1 on a control frame fails the connection with 1002")
    func compressedPing() {
        var endpoint = Self.endpoint()
        #expect(Self.receive(Self.frame(.ping, [], rsv1: true), by: &endpoint) == [.failed(1002)])
    }

    @Test("§6: RSV1 on a continuation frame fails the connection with 1002")
    func compressedContinuation() {
        var endpoint = Self.endpoint()
        var bytes = Self.frame(.text, [0xf2, 0x48, 0xcd], fin: false, rsv1: true)
        bytes += Self.frame(.continuation, [0xc9, 0xc9, 0x07, 0x00], rsv1: true)
        #expect(Self.receive(bytes, by: &endpoint) == [.failed(1002)])
    }

    @Test("a corrupt stream closes with 1007, a bomb with 1009")
    func failures() {
        var corrupt = Self.endpoint()
        #expect(Self.receive(Self.frame(.binary, [0x07, 0x00], rsv1: true), by: &corrupt) == [.failed(1007)])
        var deflater = Deflater(windowBits: 15, level: 9, noContextTakeover: true)
        let bomb = DeflateTestSupport.compress([UInt8](repeating: 0, count: 4 << 20), with: &deflater) ?? []
        var bombed = Self.endpoint(maxMessageSize: 64 * 1024)
        #expect(Self.receive(Self.frame(.binary, bomb, rsv1: true), by: &bombed) == [.failed(1009)])
    }

    @Test("invalid UTF-8 inside a compressed text message closes with 1007")
    func invalidUTF8() {
        var deflater = Deflater(windowBits: 15, noContextTakeover: true)
        let payload = DeflateTestSupport.compress([0x61, 0xff, 0xfe, 0x62] + Array(repeating: 0x61, count: 200), with: &deflater) ?? []
        var endpoint = Self.endpoint()
        #expect(Self.receive(Self.frame(.text, payload, rsv1: true), by: &endpoint) == [.failed(1007)])
    }

    @Test("the server's compressed frames carry RSV1 and inflate back")
    func sending() {
        let parameters = DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 12, clientMaxWindowBits: 12)
        var endpoint = Self.endpoint(parameters)
        let message = Array(repeating: Array(#"{"rank":1,"name":"ada","value_ms":1000},"#.utf8), count: 10).flatMap { $0 }
        var output = ByteWriter()
        #expect(message.withUnsafeBytes { endpoint.send(.text, payload: $0, into: &output) })
        let frame = output.readableBytes
        #expect(frame.count > 2)
        #expect(frame[0] == 0x80 | FrameHeader.rsv1 | 0x1)
        let length = Int(frame[1] & 0x7f)
        #expect(length < 126 && frame.count == 2 + length)
        #expect(DeflateTestSupport.inflateOnce(Array(frame[2...]), windowBits: 12) == .success(message))
    }
}
