import Testing
import WSProtocol

@testable import RealtimeServer

/// The cork's ownership rules and its storage across flushes.
struct OutputCorkTests {
    /// Address of the first readable byte (where the storage is).
    func address(_ writer: ByteWriter) -> UnsafeRawPointer? {
        writer.withUnsafeReadableBytes { $0.baseAddress.map { UnsafeRawPointer($0) } }
    }

    @Test("a flush hands the cork's storage out and takes the same storage back: no new buffer per flush")
    func keepsStorage() {
        var cork = OutputCork()
        var first: UnsafeRawPointer?
        for round in 0..<3 {
            cork.append(for: 7) { $0.append(UInt8(round)) }
            var taken = cork.takeBytes(for: 7)
            #expect(taken.readableCount == 1)
            let now = address(taken)
            if let first { #expect(now == first) } else { first = now }
            taken.consume(taken.readableCount)
            cork.returnStorage(&taken)
            #expect(taken.capacity == 0)
            #expect(cork.owner == nil)
        }
    }

    @Test("bytes are only taken by the connection they were written for")
    func ownership() {
        var cork = OutputCork()
        cork.append(for: 1) { $0.append(0x41) }
        #expect(cork.holdsBytes(forOtherThan: 2))
        #expect(!cork.holdsBytes(forOtherThan: 1))
        var other = cork.takeBytes(for: 2)
        #expect(other.isEmpty)
        cork.returnStorage(&other)
        var mine = cork.takeBytes(for: 1)
        #expect(mine.readableCount == 1)
        mine.consume(1)
        cork.returnStorage(&mine)
        #expect(!cork.holdsBytes(forOtherThan: 2))
    }
}
