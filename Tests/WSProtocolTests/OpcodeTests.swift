import Testing
@testable import WSProtocol

struct OpcodeTests {
    @Test("§5.2 opcodes 0, 1, 2, 8, 9, 10 are defined and every other nibble is reserved")
    func reservedTable() {
        for raw in UInt8(0)...15 {
            let opcode = Opcode(rawValue: raw)
            #expect(opcode?.rawValue == raw)
            #expect(opcode?.isReserved == ![0, 1, 2, 8, 9, 10].contains(raw))
        }
        #expect(Opcode(rawValue: 16) == nil)
    }

    @Test("§5.5 control opcodes are exactly those with the high bit of the nibble set")
    func controlBit() {
        #expect(Opcode.close.isControl && Opcode.ping.isControl && Opcode.pong.isControl)
        #expect(!Opcode.text.isControl && !Opcode.binary.isControl && !Opcode.continuation.isControl)
        #expect(Opcode(rawValue: 0xB)?.isControl == true)
        #expect(Opcode(rawValue: 0x3)?.isControl == false)
    }

    @Test("opcodes print with their RFC names")
    func names() {
        #expect(Opcode.continuation.description == "continuation")
        #expect(Opcode.pong.description == "pong")
        #expect(Opcode(rawValue: 0xB)?.description == "reserved(0xb)")
    }
}
