import Testing
import WSProtocol

/// RFC 7692 §7.2.3 "Examples", byte for byte.
struct RFC7692ExamplesTests {
    let hello = Array("Hello".utf8)

    @Test("§7.2.3.1: 'Hello' in one compressed DEFLATE block inflates")
    func oneBlock() {
        #expect(DeflateTestSupport.inflateOnce([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]) == .success(hello))
    }

    @Test("§7.2.3.1: the same message in two fragments inflates the same")
    func twoFragments() {
        var inflater = Inflater(windowBits: 15, noContextTakeover: false)
        let result = DeflateTestSupport.inflate([[0xf2, 0x48, 0xcd], [0xc9, 0xc9, 0x07, 0x00]], with: &inflater)
        #expect(result == .success(hello))
    }

    @Test("§7.2.3.1: our deflater produces the RFC's bytes for 'Hello'")
    func deflateHello() {
        var deflater = Deflater(windowBits: 15, noContextTakeover: false)
        #expect(DeflateTestSupport.compress(hello, with: &deflater) == [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])
    }

    @Test("§7.2.3.2: with context takeover the second 'Hello' is f2 00 11 00 00")
    func sharingWindow() {
        var deflater = Deflater(windowBits: 15, noContextTakeover: false)
        #expect(DeflateTestSupport.compress(hello, with: &deflater) == [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])
        #expect(DeflateTestSupport.compress(hello, with: &deflater) == [0xf2, 0x00, 0x11, 0x00, 0x00])

        var inflater = Inflater(windowBits: 15, noContextTakeover: false)
        #expect(DeflateTestSupport.inflate([[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]], with: &inflater) == .success(hello))
        #expect(DeflateTestSupport.inflate([[0xf2, 0x00, 0x11, 0x00, 0x00]], with: &inflater) == .success(hello))
    }

    @Test("§7.2.3.2: without context takeover a back reference to the previous message is corrupt")
    func noSharingWindow() {
        var inflater = Inflater(windowBits: 15, noContextTakeover: true)
        #expect(DeflateTestSupport.inflate([[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]], with: &inflater) == .success(hello))
        #expect(DeflateTestSupport.inflate([[0xf2, 0x00, 0x11, 0x00, 0x00]], with: &inflater) == .failure(.corruptStream))
    }

    @Test("§7.2.3.2: without server context takeover every message is compressed from scratch")
    func deflateWithoutTakeover() {
        let message = Array("Hello, Hello, Hello, Hello, Hello!".utf8)
        var fresh = Deflater(windowBits: 15, noContextTakeover: true)
        let first = DeflateTestSupport.compress(message, with: &fresh)
        let second = DeflateTestSupport.compress(message, with: &fresh)
        #expect(first != nil)
        #expect(first == second)
        var inflater = Inflater(windowBits: 15, noContextTakeover: true)
        #expect(DeflateTestSupport.inflate([first ?? []], with: &inflater) == .success(message))
        #expect(DeflateTestSupport.inflate([second ?? []], with: &inflater) == .success(message))
    }

    @Test("§7.2.3.2: without context takeover 'Hello' (7 bytes compressed > 5) is sent uncompressed")
    func noGainWithoutTakeover() {
        var deflater = Deflater(windowBits: 15, noContextTakeover: true)
        var output = ByteWriter()
        let outcome = hello.withUnsafeBytes { deflater.compress($0, into: &output) }
        #expect(outcome == .uncompressed)
        #expect(output.isEmpty)
    }

    @Test("§7.2.3.3: a DEFLATE block with no compression inflates")
    func storedBlock() {
        let payload: [UInt8] = [0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00]
        #expect(DeflateTestSupport.inflateOnce(payload) == .success(hello))
    }

    @Test("§7.2.3.4: a DEFLATE block with BFINAL set to 1 inflates")
    func finalBlock() {
        let payload: [UInt8] = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]
        #expect(DeflateTestSupport.inflateOnce(payload) == .success(hello))
    }

    @Test("§7.2.3.4: after a BFINAL block, context takeover still sees the window")
    func finalBlockThenTakeover() {
        var inflater = Inflater(windowBits: 15, noContextTakeover: false)
        let first: [UInt8] = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]
        #expect(DeflateTestSupport.inflate([first], with: &inflater) == .success(hello))
        #expect(DeflateTestSupport.inflate([[0xf2, 0x00, 0x11, 0x00, 0x00]], with: &inflater) == .success(hello))
    }

    @Test("§7.2.3.5: two DEFLATE blocks in one message inflate")
    func twoBlocks() {
        let payload: [UInt8] = [0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00]
        #expect(DeflateTestSupport.inflateOnce(payload) == .success(hello))
    }

    @Test("§7.2.3.6: a final fragment of only 0x00 (a flush without data) ends the message")
    func emptyFragment() {
        var inflater = Inflater(windowBits: 15, noContextTakeover: false)
        let first: [UInt8] = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0x00, 0xff, 0xff]
        let result = DeflateTestSupport.inflate([first, [0x00]], with: &inflater)
        #expect(result == .success(hello))
    }

    @Test("an empty message is sent uncompressed; a compressed empty message (0x00) inflates to nothing")
    func emptyMessage() {
        var deflater = Deflater(windowBits: 15, noContextTakeover: false)
        #expect(DeflateTestSupport.compress(hello, with: &deflater) != nil)
        #expect(DeflateTestSupport.compress([], with: &deflater) == nil)
        #expect(DeflateTestSupport.compress([], with: &deflater) == nil)
        #expect(DeflateTestSupport.inflateOnce([0x00]) == .success([]))
        #expect(DeflateTestSupport.inflateOnce([]) == .success([]))
    }
}
