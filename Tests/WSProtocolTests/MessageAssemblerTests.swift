import Testing
@testable import WSProtocol

/// RFC 6455 §5.4 at the level of headers only.
struct MessageAssemblerTests {
    private func header(_ opcode: Opcode, fin: Bool = true, rsv: UInt8 = 0, length: Int = 1) -> FrameHeader {
        FrameHeader(fin: fin, reservedBits: rsv, opcode: opcode, maskingKey: fixedKey, payloadLength: length)
    }

    @Test("§5.4 a message starts with text or binary and continues with continuation frames")
    func sequence() {
        var assembler = MessageAssembler()
        #expect(assembler.isIdle)
        #expect(assembler.receivedHeader(header(.text, fin: false), claimedBits: 0, maxMessageSize: 100) == nil)
        #expect(assembler.messageOpcode == .text && !assembler.isIdle)
        #expect(assembler.receivedHeader(header(.continuation), claimedBits: 0, maxMessageSize: 100) == nil)
        #expect(assembler.wireBytes == 2)
        assembler.completeMessage()
        #expect(assembler.isIdle)
    }

    @Test("§5.4 continuation without a message and a new message inside one are refused")
    func refusals() {
        var assembler = MessageAssembler()
        #expect(assembler.receivedHeader(header(.continuation), claimedBits: 0, maxMessageSize: 100) == .unexpectedContinuation)
        #expect(assembler.receivedHeader(header(.binary, fin: false), claimedBits: 0, maxMessageSize: 100) == nil)
        #expect(assembler.receivedHeader(header(.text), claimedBits: 0, maxMessageSize: 100) == .expectedContinuation)
    }

    @Test("the message size is checked from each header, with overflow-safe addition")
    func sizeLimit() {
        var assembler = MessageAssembler()
        #expect(assembler.receivedHeader(header(.binary, fin: false, length: 60), claimedBits: 0, maxMessageSize: 100) == nil)
        #expect(assembler.receivedHeader(header(.continuation, fin: false, length: 40), claimedBits: 0, maxMessageSize: 100) == nil)
        #expect(assembler.receivedHeader(header(.continuation, length: 1), claimedBits: 0, maxMessageSize: 100) == .messageTooBig(limit: 100))
        var huge = MessageAssembler()
        #expect(huge.receivedHeader(header(.binary, fin: false, length: .max), claimedBits: 0, maxMessageSize: .max) == nil)
        #expect(huge.receivedHeader(header(.continuation, length: 1), claimedBits: 0, maxMessageSize: .max) == .messageTooBig(limit: .max))
    }

    @Test("claimed RSV bits mark the message as transformed; on a continuation they are refused")
    func transformedMessages() {
        var assembler = MessageAssembler()
        #expect(assembler.receivedHeader(header(.text, fin: false, rsv: 0x40), claimedBits: 0x40, maxMessageSize: 100) == nil)
        #expect(assembler.isTransformed)
        #expect(assembler.receivedHeader(header(.continuation, rsv: 0x40), claimedBits: 0x40, maxMessageSize: 100) == .reservedBitsSet)
    }
}
