import Testing
@testable import WSProtocol

/// A toy extension claiming RSV1: XORs payloads with 0x55; input byte 0xFF is "corrupt".
final class XorTransform: MessageTransform {
    var claimedReservedBits: UInt8 { FrameHeader.rsv1 }
    var finalFragments = 0
    var decodedInMessage = 0

    func decode(_ payload: UnsafeRawBufferPointer, isFinalFragment: Bool, into output: inout ByteWriter, limit: Int) throws(MessageTransformError) {
        if payload.contains(0xFF ^ 0x55) { throw .invalidData }
        if payload.contains(0xFE ^ 0x55) { throw .internalFailure }
        // Like Inflater: `limit` bounds the whole message.
        guard decodedInMessage + payload.count <= limit else { throw .limitExceeded }
        decodedInMessage += payload.count
        for byte in payload { output.append(byte ^ 0x55) }
        if isFinalFragment {
            finalFragments += 1
            decodedInMessage = 0
        }
    }

    func encode(_ message: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer, UInt8) -> Void) {
        let encoded = message.map { $0 ^ 0x55 }
        encoded.withUnsafeBytes { emit($0, FrameHeader.rsv1) }
    }
}

/// RFC 6455 §9 / RFC 7692 seam: RSV bits are legal only with an extension that claims them.
struct EndpointTransformTests {
    private func xored(_ bytes: [UInt8]) -> [UInt8] { bytes.map { $0 ^ 0x55 } }

    @Test("§5.2 RSV1 frames are decoded through a negotiated extension that claims RSV1")
    func rsv1WithExtension() {
        let transform = XorTransform()
        var endpoint = WebSocketEndpoint(transform: transform)
        let stream = clientFrame(.text, xored(Array(ascii: "Hel")), fin: false, rsv: 0x40)
            + clientFrame(.continuation, xored(Array(ascii: "lo"))) + clientFrame(.binary, [1, 2])
        #expect(feed(&endpoint, stream, splits: [4]).events == [.text(Array(ascii: "Hello")), .binary([1, 2])])
        #expect(transform.finalFragments == 1)
    }

    @Test("RFC 7692 §6.1 RSV1 on a continuation frame fails with 1002")
    func rsv1OnContinuation() {
        var endpoint = WebSocketEndpoint(transform: XorTransform())
        let stream = clientFrame(.text, xored(Array(ascii: "a")), fin: false, rsv: 0x40) + clientFrame(.continuation, [], rsv: 0x40)
        #expect(feed(&endpoint, stream).events == [.failed(.reservedBitsSet)])
    }

    @Test("bits the extension does not claim still fail with 1002")
    func unclaimedBits() {
        var endpoint = WebSocketEndpoint(transform: XorTransform())
        #expect(feed(&endpoint, clientFrame(.text, [], rsv: 0x20)).events == [.failed(.reservedBitsSet)])
    }

    @Test("a local extension failure fails with 1011")
    func transformInternalFailure() {
        var endpoint = WebSocketEndpoint(transform: XorTransform())
        let result = feed(&endpoint, clientFrame(.binary, [0xFE ^ 0x55], rsv: 0x40))
        #expect(result.events == [.failed(.extensionInternalError)])
        #expect(closeCode(in: result.output, role: .server) == 1011)
    }

    @Test("undecodable extension data fails with 1007 and an over-limit result with 1009")
    func transformErrors() {
        var a = WebSocketEndpoint(transform: XorTransform())
        let bad = feed(&a, clientFrame(.binary, [0xFF ^ 0x55], rsv: 0x40))
        #expect(bad.events == [.failed(.invalidExtensionData)])
        #expect(closeCode(in: bad.output, role: .server) == 1007)
        var b = WebSocketEndpoint(limits: Limits(maxFrameSize: 100, maxMessageSize: 4), transform: XorTransform())
        let big = feed(&b, clientFrame(.binary, [1, 2, 3], fin: false, rsv: 0x40) + clientFrame(.continuation, [4, 5]))
        #expect(big.events == [.failed(.messageTooBig(limit: 4))])
    }

    @Test("§8.1 decoded text is validated as UTF-8")
    func decodedTextValidated() {
        var endpoint = WebSocketEndpoint(transform: XorTransform())
        #expect(feed(&endpoint, clientFrame(.text, xored([0xC0, 0x80]), rsv: 0x40)).events == [.failed(.invalidUTF8)])
    }

    @Test("send encodes through the extension and sets its RSV bits")
    func sendTransformed() {
        var endpoint = WebSocketEndpoint(transform: XorTransform())
        var output = ByteWriter()
        [UInt8](ascii: "hi").withUnsafeBytes { _ = endpoint.send(.text, payload: $0, into: &output) }
        #expect(output.readableBytes == [0xC1, 0x02] + xored(Array(ascii: "hi")))
    }
}
