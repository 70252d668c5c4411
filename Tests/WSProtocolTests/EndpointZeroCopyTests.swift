import Testing
@testable import WSProtocol

/// The hot path: in-place unmasking, no copies, no retained buffers.
struct EndpointZeroCopyTests {
    @Test("a whole frame is delivered as a pointer into the caller's buffer, unmasked in place")
    func pointsIntoInput() {
        var stream = clientFrame(.binary, [UInt8](repeating: 0xAB, count: 1024))
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter()
        stream.withUnsafeMutableBytes { buffer in
            var consumed = 0
            guard case .binary(let payload) = endpoint.nextEvent(from: buffer, consumed: &consumed, output: &output) else {
                Issue.record("expected binary")
                return
            }
            #expect(payload.baseAddress == UnsafeRawPointer(buffer.baseAddress! + 8))
            #expect(payload.allSatisfy { $0 == 0xAB })
        }
        #expect(Array(stream[8...]) == [UInt8](repeating: 0xAB, count: 1024))
        #expect(endpoint.bufferedCapacity == 0)
    }

    @Test("steady state: thousands of whole frames leave the endpoint without any buffer")
    func noStorageInSteadyState() {
        var batch: [UInt8] = []
        for i in 0..<64 { batch += clientFrame(i % 2 == 0 ? .text : .binary, Array(ascii: "message \(i)")) }
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter()
        var count = 0
        for _ in 0..<50 {
            var copy = batch
            copy.withUnsafeMutableBytes { buffer in
                var consumed = 0
                while true {
                    let event = endpoint.nextEvent(from: buffer, consumed: &consumed, output: &output)
                    if case .needMoreData = event { break }
                    count += 1
                }
            }
            #expect(endpoint.bufferedCapacity == 0)
        }
        #expect(count == 64 * 50)
        #expect(output.isEmpty)
    }

    @Test("storage used for a split or fragmented message is released on the next call above the retained capacity")
    func storageReleased() {
        let big = clientFrame(.binary, [UInt8](repeating: 1, count: 10_000))
        var endpoint = WebSocketEndpoint()
        _ = feed(&endpoint, big, splits: [5000])
        #expect(endpoint.bufferedCapacity == 0)  // the feed loop's final call released it
        let small = clientFrame(.text, Array(ascii: "small message"))
        _ = feed(&endpoint, small, splits: [7])
        #expect(endpoint.bufferedCapacity <= endpoint.limits.retainedBufferCapacity)
    }

    @Test("an idle server endpoint stays within 96 bytes inline (it was 264 before the extras box and the packing)")
    func layout() {
        let size = MemoryLayout<WebSocketEndpoint>.size
        print("MemoryLayout<WebSocketEndpoint>.size = \(size), stride = \(MemoryLayout<WebSocketEndpoint>.stride)")
        #expect(size <= 96)
        // The connection holds it as an optional: no extra byte for nil.
        #expect(MemoryLayout<WebSocketEndpoint?>.size == size)
        #expect(size + Limits().retainedBufferCapacity + 64 <= 2048)
    }

    @Test("releaseRetainedStorage frees the storage kept after a split frame; the next split frame works")
    func releaseRetained() {
        let small = clientFrame(.text, Array(ascii: "small message"))
        var endpoint = WebSocketEndpoint()
        _ = feed(&endpoint, small, splits: [7])
        #expect(endpoint.bufferedCapacity > 0)  // kept for reuse
        endpoint.releaseRetainedStorage()
        #expect(endpoint.bufferedCapacity == 0)
        let transcript = feed(&endpoint, small, splits: [7])
        #expect(transcript.events == [.text(Array(ascii: "small message"))])
    }

    @Test("releaseRetainedStorage keeps a message still arriving")
    func releaseKeepsPartialMessage() {
        let first = clientFrame(.text, Array(ascii: "hello, "), fin: false)
        let last = clientFrame(.continuation, Array(ascii: "world"))
        var endpoint = WebSocketEndpoint()
        _ = feed(&endpoint, first)
        endpoint.releaseRetainedStorage()
        #expect(endpoint.bufferedCapacity > 0)
        let transcript = feed(&endpoint, last)
        #expect(transcript.events == [.text(Array(ascii: "hello, world"))])
    }
}
