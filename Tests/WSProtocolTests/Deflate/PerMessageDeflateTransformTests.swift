import Testing
import WSProtocol

/// The adapters that plug permessage-deflate into the handshake and the endpoint.
struct PerMessageDeflateTransformTests {
    static let browserHeader = ["permessage-deflate; client_max_window_bits, x-webkit-deflate-frame"]

    @Test("the handshake hook accepts the first permessage-deflate offer and renders the RFC response")
    func handshakeHook() {
        let offers = ExtensionOffer.parseList(Self.browserHeader) ?? []
        let hook = DeflateNegotiation.handshakeHook(configuration: DeflateConfiguration())
        guard case .accepted(let accepted) = hook(offers), let element = accepted.first else {
            Issue.record("permessage-deflate must be accepted")
            return
        }
        #expect(accepted.count == 1)
        #expect(element.headerValue
            == "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12")
        #expect(DeflateParameters(response: element) == DeflateParameters(
            serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 12, clientMaxWindowBits: 12))
    }

    @Test("the handshake hook declines invalid offers without rejecting the handshake (RFC 7692 §7.1)")
    func hookDeclines() {
        let offers = ExtensionOffer.parseList(["permessage-deflate; server_max_window_bits=7"]) ?? []
        #expect(offers.count == 1)
        let hook = DeflateNegotiation.handshakeHook(configuration: DeflateConfiguration())
        #expect(hook(offers) == .accepted([]))
    }

    @Test("the extension name matches case-insensitively; parameter names do not")
    func extensionNameCase() {
        let upper = DeflateNegotiation.Offer(name: "PerMessage-Deflate")
        #expect(DeflateNegotiation.negotiate(offers: [upper], configuration: DeflateConfiguration()) != nil)
        let other = DeflateNegotiation.Offer(name: "permessage-deflatf")
        #expect(DeflateNegotiation.negotiate(offers: [other], configuration: DeflateConfiguration()) == nil)
    }

    @Test("DeflateParameters(response:) reads back every response negotiate can produce")
    func responseRoundTrip() {
        let offers: [[DeflateNegotiation.Parameter]] = [
            [], [.init("server_no_context_takeover")], [.init("client_no_context_takeover")],
            [.init("server_max_window_bits", "9"), .init("client_max_window_bits", "8")],
            [.init("client_max_window_bits")],
        ]
        for configuration in [DeflateConfiguration(), DeflateConfiguration(serverMaxWindowBits: 15, clientMaxWindowBits: 15,
                                                                           serverNoContextTakeover: false)] {
            for parameters in offers {
                let offer = DeflateNegotiation.Offer(name: "permessage-deflate", parameters: parameters)
                guard let agreement = DeflateNegotiation.negotiate(offers: [offer], configuration: configuration) else {
                    Issue.record("valid offer declined")
                    continue
                }
                #expect(agreement.acceptedExtension.headerValue == agreement.responseHeaderValue)
                #expect(DeflateParameters(response: agreement.acceptedExtension) == agreement.parameters)
            }
        }
        #expect(DeflateParameters(response: ExtensionOffer(name: "foo")) == nil)
    }

    @Test("decode maps Inflater errors to MessageTransformError")
    func decodeErrors() {
        let transform = PerMessageDeflateTransform(parameters: DeflateParameters(), configuration: DeflateConfiguration())
        #expect(transform.claimedReservedBits == FrameHeader.rsv1)
        func decode(_ bytes: [UInt8], limit: Int) -> Result<[UInt8], MessageTransformError> {
            var output = ByteWriter()
            return bytes.withUnsafeBytes { raw in
                Result { () throws(MessageTransformError) -> [UInt8] in
                    try transform.decode(raw, isFinalFragment: true, into: &output, limit: limit)
                    return output.readableBytes
                }
            }
        }
        #expect(decode([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], limit: 100) == .success(Array("Hello".utf8)))
        #expect(decode([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], limit: 4) == .failure(.limitExceeded))
        #expect(decode([0x07, 0x00], limit: 100) == .failure(.invalidData))
        #expect(decode([0xf2, 0x48], limit: 100) == .failure(.invalidData))
    }

    @Test("encode emits RSV1 with compressed bytes, or the message untouched below the threshold")
    func encode() {
        let transform = PerMessageDeflateTransform(
            parameters: DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 12, clientMaxWindowBits: 12),
            configuration: DeflateConfiguration())
        let large = Array(repeating: Array(#"{"rank":1,"name":"ada","value_ms":1000},"#.utf8), count: 10).flatMap { $0 }
        var emitted: [([UInt8], UInt8)] = []
        large.withUnsafeBytes { transform.encode($0) { bytes, bits in emitted.append((Array(bytes), bits)) } }
        let small = Array("hi".utf8)
        small.withUnsafeBytes { transform.encode($0) { bytes, bits in emitted.append((Array(bytes), bits)) } }
        #expect(emitted.count == 2)
        #expect(emitted.first?.1 == FrameHeader.rsv1)
        #expect(DeflateTestSupport.inflateOnce(emitted.first?.0 ?? [], windowBits: 12) == .success(large))
        #expect(emitted.last?.0 == small)
        #expect(emitted.last?.1 == 0)
        #expect(transform.allocatedBytes == 0)
    }
}
