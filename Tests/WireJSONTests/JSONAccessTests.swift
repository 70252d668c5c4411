import Testing
import WireJSON

/// The allocation-free access API: member lookup, typed getters, string views, arrays.
struct JSONAccessTests {
    let text = #"{"type":"activity","n\u0061me":"caf\u00e9 \"x\"","plain":"abc","flag":false,"none":null,"# +
        #""list":[3,1,2],"nested":{"k":[{"deep":1}]},"empty":{},"pi":3.25}"#

    @Test("members are found by name, escaped names included")
    func lookup() throws {
        try withObject(text) { o throws(JSONError) in
            #expect(o.count == 9)
            #expect(o["type"]?.type == .string)
            #expect(o["name"]?.type == .string)
            #expect(o["n\\u0061me"] == nil)
            #expect(o["missing"] == nil)
            #expect(o.contains("none"))
            #expect(o.isNull("none"))
            #expect(!o.isNull("flag"))
            #expect(!o.isNull("missing"))
            #expect(try o.bool("flag") == false)
            #expect(try o.double("pi") == 3.25)
            #expect(try o.object("empty").isEmpty)
            #expect(try o.object("nested").array("k").count == 1)
            let nested = try o.object("nested").array("k")
            for element in nested {
                #expect(try element.object().int64("deep") == 1)
            }
            let name = Array("type".utf8)
            #expect(name.withUnsafeBytes { o.member(utf8: $0) }?.type == .string)
        }
    }

    @Test("IfPresent getters return nil for absent and null members, and still check types")
    func optionalGetters() throws {
        try withObject(text) { o throws(JSONError) in
            #expect(try o.int64IfPresent("missing") == nil)
            #expect(try o.int64IfPresent("none") == nil)
            #expect(try o.stringIfPresent("none") == nil)
            #expect(try o.boolIfPresent("flag") == false)
            #expect(try o.doubleIfPresent("pi") == 3.25)
            #expect(try o.arrayIfPresent("list")?.count == 3)
            #expect(try o.objectIfPresent("empty")?.count == 0)
            #expect(try o.int32IfPresent("missing") == nil)
        }
        #expect(throws: JSONError.wrongType(field: "flag", expected: .integer, found: .bool)) {
            try withObject(text) { o throws(JSONError) in _ = try o.int64IfPresent("flag") }
        }
    }

    @Test("string views borrow plain strings and decode escaped ones on demand")
    func stringViews() throws {
        var scratch: [UInt8] = []
        try withObject(text) { o throws(JSONError) in
            let plain = try o.string("plain")
            #expect(!plain.isEscaped)
            #expect(plain.unescapedUTF8.map(Array.init) == Array("abc".utf8))
            #expect(plain == "abc")
            #expect(!(plain == "abd"))
            #expect(!plain.equals("ab"))
            let name = try o.string("name")
            #expect(name.isEscaped)
            #expect(name.unescapedUTF8 == nil)
            #expect(name.utf8Count == "café \"x\"".utf8.count)
            #expect(name == "café \"x\"")
            #expect(name.makeString() == "café \"x\"")
            #expect(try o.ownedString("name") == "café \"x\"")
            let decoded = name.withUTF8(scratch: &scratch) { Array($0) }
            #expect(decoded == Array("café \"x\"".utf8))
            let viaPlain = plain.withUTF8(scratch: &scratch) { Array($0) }
            #expect(viaPlain == Array("abc".utf8))
            var appended = Array("<".utf8)
            name.appendUTF8(to: &appended)
            #expect(appended == Array("<café \"x\"".utf8))
            let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
            defer { small.deallocate() }
            #expect(name.copyUTF8(into: small) == nil)
            #expect(plain.copyUTF8(into: small) == 3)
            #expect(Array(small[0..<3]) == Array("abc".utf8))
        }
    }

    @Test("object iteration yields members in document order")
    func objectIteration() throws {
        let names = try withObject(text) { o throws(JSONError) in o.map { $0.name.makeString() } }
        #expect(names == ["type", "name", "plain", "flag", "none", "list", "nested", "empty", "pi"])
    }

    @Test("integer arrays fill a caller buffer or a reusable array")
    func integerArrays() throws {
        let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 3)
        defer { buffer.deallocate() }
        #expect(try withObject(text) { o throws(JSONError) in try o.int32s("list", into: buffer) } == 3)
        #expect(Array(buffer) == [3, 1, 2])
        var values: [Int32] = [9, 9, 9, 9, 9]
        try withObject(text) { o throws(JSONError) in try o.int32s("list", into: &values) }
        #expect(values == [3, 1, 2])
        var wide: [Int64] = []
        try withObject(text) { o throws(JSONError) in try o.array("list").int64s(into: &wide) }
        #expect(wide == [3, 1, 2])
        let tiny = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 2)
        defer { tiny.deallocate() }
        #expect(throws: JSONError.tooManyElements(field: "list", limit: 2)) {
            try withObject(text) { o throws(JSONError) in _ = try o.int32s("list", into: tiny) }
        }
    }

    @Test("short and long integers, signed or not, read the same into a buffer as one by one")
    func integerArrayWidths() throws {
        let values: [Int64] = [0, 7, -7, 42, -42, 999, -99, 1000, -999, 123_456_789, -12_345_678, 2_147_483_647, -2_147_483_648]
        let text = #"{"list":["# + values.map(String.init).joined(separator: ",") + "]}"
        let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: values.count)
        defer { buffer.deallocate() }
        #expect(try withObject(text) { o throws(JSONError) in try o.int32s("list", into: buffer) } == values.count)
        #expect(buffer.map(Int64.init) == values)
    }

    @Test("a parser is reused across documents of different shapes")
    func parserReuse() throws {
        var parser = JSONParser(initialCapacity: 16)
        for size in [1, 100, 3, 5000, 0] {
            let text = "[" + (0..<size).map(String.init).joined(separator: ",") + "]"
            let count = try Array(text.utf8).withUnsafeBytes { raw throws(JSONError) in
                try parser.parse(raw).array().reduce(0) { sum, element in sum + ((try? element.int64()) ?? -1_000_000) }
            }
            #expect(count == Int64((0..<size).reduce(0, +)))
            #expect(parser.valueCount == size + 1)
        }
    }
}
