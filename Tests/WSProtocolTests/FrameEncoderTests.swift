import TestSupport
import Testing
@testable import WSProtocol

struct FrameEncoderTests {
    @Test("§5.2 the encoder uses the minimal length encoding at every boundary")
    func minimalLengths() {
        for (length, headerLength) in [(0, 2), (125, 2), (126, 4), (65535, 4), (65536, 10)] {
            let frame = serverFrame(.binary, [UInt8](repeating: 1, count: length))
            #expect(frame.count == length + headerLength, "length \(length)")
            #expect(FrameHeader.encodedLength(payloadLength: length, masked: false) == headerLength)
            #expect(FrameHeader.encodedLength(payloadLength: length, masked: true) == headerLength + 4)
        }
    }

    @Test("§5.1 server frames are unmasked and client frames masked")
    func maskBit() {
        #expect(serverFrame(.text, [0x41])[1] & 0x80 == 0)
        #expect(clientFrame(.text, [0x41])[1] & 0x80 != 0)
    }

    @Test("round trip: encode then decode gives back opcode, flags and payload for random frames")
    func roundTrip() {
        var rng = SeededGenerator(seed: 77)
        for _ in 0..<100 {
            let length = [0, 1, 125, 126, 127, 1000, 65535, 65536].randomElement(using: &rng)!
            let payload = rng.bytes(length)
            let opcode: Opcode = [.text, .binary, .continuation].randomElement(using: &rng)!
            let fin = Bool.random(using: &rng)
            let key = MaskingKey.random(using: &rng)
            var writer = ByteWriter()
            FrameEncoder.writeFrame(opcode: opcode, payload: payload, fin: fin, rsv1: true, mask: key, into: &writer)
            var decoder = FrameDecoder(role: .server, maxFrameSize: .max, allowedReservedBits: FrameHeader.rsv1)
            var bytes = writer.readableBytes
            bytes.withUnsafeMutableBytes { buffer in
                var consumed = 0
                guard case .header(let header) = decoder.next(buffer, consumed: &consumed) else {
                    Issue.record("no header")
                    return
                }
                #expect(header.opcode == opcode && header.fin == fin && header.rsv1 && header.maskingKey == key)
                guard case .payload(_, let run, true, true) = decoder.next(buffer, consumed: &consumed) else {
                    Issue.record("no whole payload")
                    return
                }
                #expect(Array(run) == payload)
                #expect(consumed == buffer.count)
            }
        }
    }

    @Test("writeHeader followed by the payload equals writeFrame (pre-encoding for fan-out)")
    func headerThenPayload() {
        let payload = Array(ascii: "fan-out")
        var a = ByteWriter()
        FrameEncoder.writeHeader(FrameHeader(fin: true, opcode: .text, maskingKey: nil, payloadLength: payload.count), into: &a)
        a.append(contentsOf: payload)
        var b = ByteWriter()
        FrameEncoder.writeFrame(opcode: .text, payload: payload, into: &b)
        #expect(a.readableBytes == b.readableBytes)
    }
}
