import Testing
@testable import WSProtocol

struct FrameDecoderTests {
    /// Decodes one frame's header through the decoder, fed `splits`.
    private func decodeHeader(_ bytes: [UInt8], role: Role = .server, maxFrameSize: Int = 1 << 20,
                              rsv: UInt8 = 0, chunkSize: Int = .max) -> Result<FrameHeader, ProtocolViolation>? {
        var decoder = FrameDecoder(role: role, maxFrameSize: maxFrameSize, allowedReservedBits: rsv)
        var copy = bytes
        var start = 0
        while start < copy.count {
            let end = min(copy.count, start + chunkSize)
            var chunk = Array(copy[start..<end])
            let result: Result<FrameHeader, ProtocolViolation>? = chunk.withUnsafeMutableBytes { buffer in
                var consumed = 0
                switch decoder.next(buffer, consumed: &consumed) {
                case .header(let header): return .success(header)
                case .failed(let violation): return .failure(violation)
                case .needMoreData, .payload: return nil
                }
            }
            if let result { return result }
            start = end
        }
        copy.removeAll()
        return nil
    }

    @Test("§5.2 7-bit, 16-bit and 64-bit lengths decode for every header split")
    func lengthForms() {
        for length in [0, 1, 125, 126, 65535, 65536, 1 << 20] {
            let header = Array(clientFrame(.binary, [UInt8](repeating: 0, count: length)).prefix(14))
            for chunkSize in 1...14 {
                guard case .success(let decoded) = decodeHeader(header, maxFrameSize: 1 << 21, chunkSize: chunkSize) else {
                    Issue.record("length \(length) chunk \(chunkSize) did not decode")
                    continue
                }
                #expect(decoded.payloadLength == length)
                #expect(decoded.maskingKey == fixedKey)
                #expect(decoded.opcode == .binary && decoded.fin)
            }
        }
    }

    @Test("§5.2 a 64-bit length with the most significant bit set fails with 1002")
    func topBit() {
        let bytes: [UInt8] = [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4]
        #expect(decodeHeader(bytes, maxFrameSize: .max) == .failure(.lengthTopBitSet))
        #expect(decodeHeader(bytes, maxFrameSize: .max, chunkSize: 1) == .failure(.lengthTopBitSet))
        #expect(ProtocolViolation.lengthTopBitSet.closeCode == .protocolError)
    }

    @Test("§5.2 non-minimal length encodings are accepted (the minimal-length MUST binds the sender)")
    func nonMinimalLengthAccepted() throws {
        let sixteen: [UInt8] = [0x82, 0xFE, 0x00, 0x05, 1, 2, 3, 4]
        #expect(try decodeHeader(sixteen)?.get().payloadLength == 5)
        let sixtyFour: [UInt8] = [0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4]
        #expect(try decodeHeader(sixtyFour)?.get().payloadLength == 5)
    }

    @Test("§5.1 a server fails an unmasked frame and a client fails a masked one")
    func masking() {
        #expect(decodeHeader(serverFrame(.text, [0x41])) == .failure(.unmaskedClientFrame))
        #expect(decodeHeader(clientFrame(.text, [0x41]), role: .client) == .failure(.maskedServerFrame))
        #expect(decodeHeader(serverFrame(.text, [0x41]), role: .client) != nil)
    }

    @Test("§5.2 RSV bits fail unless an extension claims them")
    func reservedBits() {
        for rsv: UInt8 in [0x40, 0x20, 0x10] {
            #expect(decodeHeader(clientFrame(.text, [], rsv: rsv)) == .failure(.reservedBitsSet))
        }
        guard case .success(let header) = decodeHeader(clientFrame(.text, [], rsv: 0x40), rsv: 0x40) else {
            Issue.record("claimed RSV1 refused")
            return
        }
        #expect(header.rsv1)
        #expect(decodeHeader(clientFrame(.text, [], rsv: 0x20), rsv: 0x40) == .failure(.reservedBitsSet))
    }

    @Test("§5.2 every reserved opcode fails with 1002")
    func reservedOpcodes() {
        for raw: UInt8 in [3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] {
            #expect(decodeHeader(rawFrame(firstByte: 0x80 | raw, payload: [])) == .failure(.reservedOpcode))
        }
        #expect(ProtocolViolation.reservedOpcode.closeCode == .protocolError)
    }

    @Test("§5.5 control frames must be final and at most 125 bytes")
    func controlRules() {
        #expect(decodeHeader(rawFrame(firstByte: 0x89, payload: [UInt8](repeating: 0, count: 126)))
            == .failure(.controlFrameTooLong))
        #expect(decodeHeader(rawFrame(firstByte: 0x09, payload: [])) == .failure(.fragmentedControlFrame))
        #expect(decodeHeader(clientFrame(.close, [UInt8](repeating: 0, count: 125))) != nil)
        #expect(decodeHeader(rawFrame(firstByte: 0x88 | 0x40, payload: []), rsv: 0x40) == .failure(.reservedBitsSet))
    }

    @Test("limits: a frame over maxFrameSize fails with 1009 at header time")
    func frameLimit() {
        let header = Array(clientFrame(.binary, [UInt8](repeating: 0, count: 1001)).prefix(8))
        #expect(decodeHeader(header, maxFrameSize: 1000) == .failure(.frameTooBig(limit: 1000)))
        #expect(ProtocolViolation.frameTooBig(limit: 1).closeCode == .messageTooBig)
    }

    @Test("payload runs are unmasked in place with the right offset across reads")
    func payloadRuns() {
        let payload = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        let frame = clientFrame(.binary, payload)
        for chunkSize in [1, 3, 7, 64, 299, 1000] {
            var decoder = FrameDecoder(role: .server, maxFrameSize: 1 << 20)
            var collected: [UInt8] = []
            var start = 0
            var sawLast = false
            while start < frame.count {
                var chunk = Array(frame[start..<min(frame.count, start + chunkSize)])
                chunk.withUnsafeMutableBytes { buffer in
                    var consumed = 0
                    loop: while true {
                        switch decoder.next(buffer, consumed: &consumed) {
                        case .needMoreData: break loop
                        case .header: continue
                        case .failed: Issue.record("failed"); break loop
                        case .payload(_, let run, _, let isLast):
                            collected += Array(run)
                            sawLast = sawLast || isLast
                        }
                    }
                }
                start += chunkSize
            }
            #expect(collected == payload && sawLast, "chunk \(chunkSize)")
            #expect(decoder.isAtFrameBoundary)
        }
    }
}
