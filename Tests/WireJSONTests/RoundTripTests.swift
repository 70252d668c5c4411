import Foundation
import TestSupport
import Testing
import WireJSON

/// decode(encode(x)) == x and encode(decode(bytes)) is canonical, over seeded random
/// documents (STYLE.md: tests check round trips).
struct RoundTripTests {
    @Test("writer → reader gives back the same document", arguments: [UInt64(1), 2, 3, 4])
    func writerThenReader(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<400 {
            let tree = RandomDocument.tree(depth: 5, using: &random)
            var writer = JSONWriter()
            tree.write(to: &writer)
            #expect(try parseTree(writer.bytes).get() == tree, "seed \(seed): \(tree)")
        }
    }

    @Test("any valid spelling reads as the same document", arguments: [UInt64(11), 12, 13, 14])
    func foreignSpellingThenReader(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<400 {
            let tree = RandomDocument.tree(depth: 5, using: &random)
            let text = RandomDocument.spelling(of: tree, using: &random)
            #expect(try parseTree(text).get() == tree, "seed \(seed): \(text)")
        }
    }

    @Test("re-writing a parsed document is canonical: the same bytes as writing the tree")
    func rewriteIsCanonical() throws {
        var random = SeededGenerator(seed: 99)
        var parser = JSONParser()
        var writer = JSONWriter()
        for _ in 0..<400 {
            let tree = RandomDocument.tree(depth: 4, using: &random)
            let text = Array(RandomDocument.spelling(of: tree, using: &random).utf8)
            writer.reset()
            let result = text.withUnsafeBytes { raw in
                Result { () throws(JSONError) in writer.value(try parser.parse(raw)) }
            }
            try result.get()
            var direct = JSONWriter()
            tree.write(to: &direct)
            #expect(writer.bytes == direct.bytes)
        }
    }

    @Test("Foundation reads the writer's strings back unchanged")
    func foundationAgreesOnEscaping() throws {
        var random = SeededGenerator(seed: 5)
        for _ in 0..<500 {
            // swift-corelibs-foundation drops U+FEFF inside strings; leave it out here.
            let string = RandomDocument.string(using: &random).filter { $0 != "\u{FEFF}" }
            let text = written { $0.beginArray(); $0.value(string: string); $0.endArray() }
            let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]
            #expect(decoded == [string], "\(text)")
        }
    }

    @Test("unicode escapes: every plane round-trips through surrogate pairs", arguments: [
        0x0, 0x1F, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0xFFFFF, 0x10FFFF,
    ] as [UInt32])
    func unicodeEscapes(value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let escaped = String(scalar).utf16.map { "\\u" + String(format: "%04X", $0) }.joined()
        #expect(try parseTree("\"\(escaped)\"").get() == .string(String(scalar)))
        let rewritten = written { $0.value(string: String(scalar)) }
        #expect(try parseTree(rewritten).get() == .string(String(scalar)))
    }
}
