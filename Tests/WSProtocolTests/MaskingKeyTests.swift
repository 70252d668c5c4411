import TestSupport
import Testing
@testable import WSProtocol

struct MaskingKeyTests {
    @Test("§5.3 word-at-a-time masking equals the byte-wise definition for every length, offset and alignment")
    func fastPathMatchesReference() {
        var rng = SeededGenerator(seed: 42)
        let key = MaskingKey.random(using: &rng)
        for length in 0..<80 {
            for offset in 0..<4 {
                for misalignment in 0..<8 {
                    let data = rng.bytes(length + misalignment)
                    var fast = data
                    var slow = data
                    fast.withUnsafeMutableBytes { key.unmask(UnsafeMutableRawBufferPointer(rebasing: $0[misalignment...]), offset: offset) }
                    slow.withUnsafeMutableBytes { key.unmaskBytewise(UnsafeMutableRawBufferPointer(rebasing: $0[misalignment...]), offset: offset) }
                    #expect(fast == slow, "length \(length) offset \(offset) misalignment \(misalignment)")
                }
            }
        }
    }

    @Test("§5.3 unmasking a payload in pieces of any size equals unmasking it whole")
    func piecewise() {
        var rng = SeededGenerator(seed: 5)
        let key = MaskingKey(1, 2, 3, 4)
        let data = rng.bytes(1000)
        var whole = data
        whole.withUnsafeMutableBytes { key.unmask($0) }
        for _ in 0..<50 {
            var pieces = data
            var cut = 0
            pieces.withUnsafeMutableBytes { raw in
                while cut < raw.count {
                    let n = Int.random(in: 1...70, using: &rng)
                    let end = min(raw.count, cut + n)
                    key.unmask(UnsafeMutableRawBufferPointer(rebasing: raw[cut..<end]), offset: cut)
                    cut = end
                }
            }
            #expect(pieces == whole)
        }
    }

    @Test("§5.3 masking twice restores the data")
    func involution() {
        var data = Array(ascii: "Hello, WebSocket masking!")
        let original = data
        let key = MaskingKey(0xDE, 0xAD, 0xBE, 0xEF)
        data.withUnsafeMutableBytes { key.unmask($0, offset: 3) }
        #expect(data != original)
        data.withUnsafeMutableBytes { key.unmask($0, offset: 3) }
        #expect(data == original)
    }

    @Test("§5.3 the key bytes keep wire order and random keys come from the injected generator")
    func keyBytes() {
        #expect(MaskingKey(0x37, 0xFA, 0x21, 0x3D).bytes == [0x37, 0xFA, 0x21, 0x3D])
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        #expect(MaskingKey.random(using: &a) == MaskingKey.random(using: &b))
        #expect(MaskingKey.random(using: &a) != MaskingKey.random(using: &a))
    }
}
