import Testing
@testable import WSProtocol

/// `ByteWriter`: append, consume, rewind, and value semantics over its shared buffer.
struct ByteWriterTests {
    @Test("appended bytes come out in order; consuming everything rewinds and keeps the capacity")
    func appendConsumeRewind() {
        var writer = ByteWriter(capacity: 16)
        writer.append(1)
        ([2, 3] as [UInt8]).withUnsafeBytes { writer.append($0) }
        writer.appendBigEndian(UInt16(0x0405))
        writer.appendBigEndian(UInt64(0x0607_0809_0A0B_0C0D))
        writer.append(contentsOf: [14, 15] as [UInt8])
        writer.append(contentsOf: (16...20).lazy.map { UInt8($0) })  // not contiguous
        #expect(writer.readableBytes == Array(1...20))
        writer.consume(5)
        #expect(writer.readableBytes == Array(6...20))
        let capacity = writer.capacity
        #expect(capacity >= 20)
        writer.consume(15)
        #expect(writer.isEmpty && writer.readableCount == 0 && writer.count == 0)
        #expect(writer.capacity == capacity)
    }

    @Test("a copy keeps its bytes while the original appends, consumes and resets")
    func copyOnWrite() {
        var original = ByteWriter(capacity: 64)
        original.append(contentsOf: Array(ascii: "shared"))
        let copy = original
        original.append(contentsOf: Array(ascii: "+more"))
        #expect(copy.readableBytes == Array(ascii: "shared"))
        #expect(original.readableBytes == Array(ascii: "shared+more"))
        let second = original
        original.consume(original.readableCount)
        original.append(contentsOf: Array(ascii: "new"))
        #expect(second.readableBytes == Array(ascii: "shared+more"))
        #expect(original.readableBytes == Array(ascii: "new"))
        var third = original
        third.withUnsafeMutableReadableBytes { $0[0] = UInt8(ascii: "N") }
        #expect(original.readableBytes == Array(ascii: "new"))
        #expect(third.readableBytes == Array(ascii: "New"))
    }

    @Test("growing past the capacity keeps the unconsumed bytes")
    func growth() {
        var writer = ByteWriter()
        #expect(writer.capacity == 0)
        for i in 0..<1000 { writer.append(UInt8(truncatingIfNeeded: i)) }
        writer.consume(10)
        let big = [UInt8](repeating: 7, count: 5000)
        big.withUnsafeBytes { writer.append($0) }
        #expect(writer.readableBytes == (10..<1000).map { UInt8(truncatingIfNeeded: $0) } + big)
    }

    @Test("compact moves the unconsumed bytes to the front; reset frees a large buffer")
    func compactAndReset() {
        var writer = ByteWriter(capacity: 32)
        writer.append(contentsOf: Array(0..<32) as [UInt8])
        writer.consume(20)
        writer.compact()
        #expect(writer.readableBytes == Array(20..<32))
        #expect(writer.count == 12)
        writer.reset(keepingCapacityUpTo: 16)
        #expect(writer.isEmpty && writer.capacity == 0)
        writer.append(9)
        writer.reset()
        #expect(writer.isEmpty && writer.capacity > 0)
    }

    @Test("appendWithUnsafeMutableBytes keeps exactly what the body wrote")
    func reservedAppend() {
        var writer = ByteWriter()
        writer.append(1)
        writer.appendWithUnsafeMutableBytes(maximumCount: 8) { raw in
            raw[0] = 2
            raw[1] = 3
            return 2
        }
        writer.append(4)
        #expect(writer.readableBytes == [1, 2, 3, 4])
        writer.removeLastReadable(2)
        #expect(writer.readableBytes == [1, 2])
    }
}

/// The server's unmasked data frame and the echo loop.
struct EndpointEchoTests {
    @Test("§5.2 writeUnmaskedDataFrame writes what writeFrame writes, at every length form", arguments: [0, 1, 125, 126, 65_535, 65_536])
    func unmaskedFrame(length: Int) {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        for opcode in [Opcode.text, .binary] {
            var fast = ByteWriter()
            var general = ByteWriter()
            payload.withUnsafeBytes {
                FrameEncoder.writeUnmaskedDataFrame(opcode, payload: $0, into: &fast)
                FrameEncoder.writeFrame(opcode: opcode, payload: $0, into: &general)
            }
            #expect(fast.readableBytes == general.readableBytes)
        }
    }

    @Test("echoMessages sends every data message back and stops at the first other event")
    func echoLoop() {
        let stream = clientFrame(.text, Array(ascii: "one")) + clientFrame(.binary, [1, 2, 3])
            + clientFrame(.ping, Array(ascii: "p")) + clientFrame(.text, Array("✓".utf8))
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter()
        var echoed = 0
        var events: [RecordedEvent] = []
        var input = stream
        input.withUnsafeMutableBytes { bytes in
            var consumed = 0
            while let event = RecordedEvent(endpoint.echoMessages(from: bytes, consumed: &consumed, output: &output, echoed: &echoed)) {
                events.append(event)
            }
            #expect(consumed == bytes.count)
        }
        #expect(events == [.ping(Array(ascii: "p"))])
        #expect(echoed == 3)
        let frames = decodeServerOutput(output.readableBytes)
        #expect(frames.map(\.0) == [.text, .binary, .pong, .text])
        #expect(frames.map(\.1) == [Array(ascii: "one"), [1, 2, 3], Array(ascii: "p"), Array("✓".utf8)])
    }

    @Test("§5.5.1 after our Close, received messages are counted but not echoed")
    func noEchoAfterClose() {
        var endpoint = WebSocketEndpoint()
        var output = ByteWriter()
        endpoint.close(code: .goingAway, into: &output)
        output.consume(output.readableCount)
        var input = clientFrame(.text, Array(ascii: "late"))
        var echoed = 0
        let event = input.withUnsafeMutableBytes { bytes in
            var consumed = 0
            return RecordedEvent(endpoint.echoMessages(from: bytes, consumed: &consumed, output: &output, echoed: &echoed))
        }
        #expect(event == nil)
        #expect(echoed == 1)
        #expect(output.isEmpty)
    }
}
