import Testing
@testable import WSProtocol

/// Limits.swift: frame and message limits are enforced at header time (1009).
struct EndpointLimitsTests {
    @Test("a frame over maxFrameSize fails with 1009 from its header alone, before any payload")
    func frameLimitAtHeader() {
        let limits = Limits(maxFrameSize: 100, maxMessageSize: 1000)
        let header = Array(clientFrame(.binary, [UInt8](repeating: 0, count: 101)).prefix(8))  // header only
        var endpoint = WebSocketEndpoint(limits: limits)
        let result = feed(&endpoint, header)
        #expect(result.events == [.failed(.frameTooBig(limit: 100))])
        #expect(closeCode(in: result.output, role: .server) == 1009)
        #expect(endpoint.bufferedCapacity == 0)
    }

    @Test("a message over maxMessageSize fails with 1009 at the header of the fragment that exceeds it")
    func messageLimitAcrossFragments() {
        let limits = Limits(maxFrameSize: 100, maxMessageSize: 150)
        let first = clientFrame(.binary, [UInt8](repeating: 1, count: 100), fin: false)
        let secondHeader = Array(clientFrame(.continuation, [UInt8](repeating: 2, count: 51)).prefix(6))
        var endpoint = WebSocketEndpoint(limits: limits)
        let result = feed(&endpoint, first + secondHeader)
        #expect(result.events == [.failed(.messageTooBig(limit: 150))])
        #expect(closeCode(in: result.output, role: .server) == 1009)
    }

    @Test("a message exactly at the limits is accepted")
    func exactlyAtLimit() {
        let limits = Limits(maxFrameSize: 100, maxMessageSize: 150)
        let stream = clientFrame(.binary, [UInt8](repeating: 1, count: 100), fin: false)
            + clientFrame(.continuation, [UInt8](repeating: 2, count: 50))
        var endpoint = WebSocketEndpoint(limits: limits)
        #expect(feed(&endpoint, stream).events == [.binary([UInt8](repeating: 1, count: 100) + [UInt8](repeating: 2, count: 50))])
    }

    @Test("control frames do not count towards the message size")
    func controlNotCounted() {
        let limits = Limits(maxFrameSize: 125, maxMessageSize: 10)
        let stream = clientFrame(.text, Array(ascii: "12345"), fin: false) + clientFrame(.ping, [UInt8](repeating: 0, count: 125))
            + clientFrame(.continuation, Array(ascii: "67890"))
        var endpoint = WebSocketEndpoint(limits: limits)
        #expect(feed(&endpoint, stream).events == [.ping([UInt8](repeating: 0, count: 125)), .text(Array(ascii: "1234567890"))])
    }

    @Test("the default limits are 16 MiB and the retained buffer 1 KiB")
    func defaults() {
        let limits = Limits()
        #expect(limits.maxFrameSize == 16 << 20)
        #expect(limits.maxMessageSize == 16 << 20)
        #expect(limits.retainedBufferCapacity == 1024)
    }
}
