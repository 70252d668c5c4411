import Foundation
import TestSupport
import Testing
import WireJSON

/// The writer: structure, escaping (RFC 8259 §7), integers and fixed-point doubles.
struct JSONWriterTests {
    @Test("separators are inferred from the previous byte")
    func structure() {
        let text = written { w in
            w.beginObject()
            w.key("a"); w.beginArray(); w.value(Int64(1)); w.beginObject(); w.endObject(); w.beginArray(); w.endArray(); w.endArray()
            w.key("b"); w.null()
            w.key("c"); w.value(true)
            w.key("d"); w.value(false)
            w.endObject()
        }
        #expect(text == #"{"a":[1,{},[]],"b":null,"c":true,"d":false}"#)
    }

    @Test("reset forgets the output and keeps the capacity")
    func resetKeepsCapacity() {
        var writer = JSONWriter(capacity: 64)
        writer.beginArray(); writer.value("x"); writer.endArray()
        let capacity = writer.bytes.capacity
        writer.reset()
        #expect(writer.count == 0)
        #expect(writer.bytes.capacity == capacity)
        writer.value(Int64(5))
        #expect(writer.bytes == Array("5".utf8))
    }

    @Test("quotation mark, reverse solidus and control characters are escaped", arguments: [
        ("\"", #""\"""#), ("\\", #""\\""#), ("/", #""/""#), ("\u{08}\u{0C}\n\r\t", #""\b\f\n\r\t""#),
        ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#), ("\u{7F}", "\"\u{7F}\""), ("é😀\u{2028}", "\"é😀\u{2028}\""),
        ("plain", #""plain""#), ("", #""""#),
    ])
    func escaping(input: String, expected: String) {
        #expect(written { $0.value(string: input) } == expected)
        #expect(written { $0.beginObject(); $0.key(string: input); $0.null(); $0.endObject() } == "{\(expected):null}")
    }

    @Test("ill-formed UTF-8 given as bytes becomes U+FFFD", arguments: [
        ([0x61, 0xFF, 0x62], #""a\ufffdb""#), ([0xC0, 0x80], #""\ufffd\ufffd""#), ([0xE2, 0x82], #""\ufffd""#), ([0xF0, 0x9F, 0x98, 0x61], #""\ufffda""#),
        ([0xED, 0xA0, 0x80], #""\ufffd\ufffd\ufffd""#), ([0xE2, 0x82, 0xAC], "\"€\""),
    ] as [([UInt8], String)])
    func invalidUTF8Replaced(input: [UInt8], expected: String) throws {
        let text = input.withUnsafeBytes { raw in written { $0.value(utf8: raw) } }
        #expect(text == expected)
        #expect(try parseTree(text).get() == .string(String(decoding: input, as: UTF8.self)))
    }

    @Test("integers at the edges", arguments: [Int64.min, Int64.max, 0, -1, 10, -10, 1_234_567_890])
    func integers(value: Int64) {
        #expect(written { $0.value(value) } == String(value))
    }

    @Test("fixed-point doubles round exactly, like printf", arguments: [
        (0.0005, 3, "0.001"), (0.125, 2, "0.12"), (0.375, 2, "0.38"), (2.5, 0, "2"), (3.5, 0, "4"),
        (-1.5, 1, "-1.5"), (-0.0001, 3, "0.000"), (-0.0, 2, "0.00"), (1.005, 2, "1.00"), (0.8472, 3, "0.847"),
        (123456.789, 1, "123456.8"), (1e21, 2, "1000000000000000000000.00"), (0.1, 17, "0.10000000000000001"),
        (Double.leastNonzeroMagnitude, 3, "0.000"), (9_007_199_254_740_992, 0, "9007199254740992"), (1, 0, "1"),
    ])
    func fixedDoubles(value: Double, digits: Int, expected: String) {
        #expect(written { $0.value(value, fractionDigits: digits) } == expected)
    }

    @Test("NaN and infinities are written as null", arguments: [Double.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteIsNull(value: Double) {
        #expect(written { $0.beginArray(); $0.value(value, fractionDigits: 3); $0.endArray() } == "[null]")
    }

    @Test("random doubles agree with Foundation's %.Nf (zero without sign)", arguments: [UInt64(7), 8])
    func randomDoublesMatchPrintf(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<4000 {
            let value: Double = switch Int.random(in: 0..<4, using: &random) {
            case 0: Double.random(in: -1...1, using: &random)
            case 1: Double.random(in: -1e6...1e6, using: &random)
            case 2: Double(bitPattern: random.next())  // any finite or not
            default: Double(Int.random(in: -100_000...100_000, using: &random)) / 1000 + 0.0005
            }
            let digits = Int.random(in: 0...17, using: &random)
            guard value.isFinite else { continue }
            var expected = String(format: "%.\(digits)f", value)
            if expected.hasPrefix("-") && expected.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) {
                expected.removeFirst()
            }
            #expect(written { $0.value(value, fractionDigits: digits) } == expected, "\(value) \(digits)")
        }
    }

    @Test("decimalUnits are the digits value(_:fractionDigits:) writes, ties and near-ties included")
    func decimalUnitsMatchWrittenDigits() {
        var random = SeededGenerator(seed: 11)
        // Exact ties (0.0005 → 0 by ties-to-even on its binary value), near-ties, the ends.
        var values: [Double] = [0, 1, 0.0005, 0.0015, 0.1235, 0.8472, 0.9995, 0.5.nextUp, 0.5.nextDown, 0.0004999]
        for _ in 0..<4000 { values.append(Double.random(in: 0...1, using: &random)) }
        for k in 0...1000 { values.append((Double(k) + 0.5) / 1000) }  // the nearest doubles to every tie
        for value in values {
            let units = JSONWriter.decimalUnits(value, fractionDigits: 3)
            let expected = written { $0.value(value, fractionDigits: 3) }
            #expect(written { $0.value(Double(units) / 1000, fractionDigits: 3) } == expected, "\(value)")
            #expect(String(units / 1000) + "." + String(1000 + units % 1000).dropFirst() == expected, "\(value)")
        }
        #expect(JSONWriter.decimalUnits(123456.789, fractionDigits: 1) == 1_234_568)
        #expect(JSONWriter.decimalUnits(2.5, fractionDigits: 0) == 2)
    }

    @Test("every thousandth written back from its units is the same text")
    func thousandthsRoundTrip() {
        for units in UInt64(0)...1000 {
            let value = Double(units) / 1000
            #expect(JSONWriter.decimalUnits(value, fractionDigits: 3) == units)
        }
    }

    @Test("the written reply is valid JSON that reads back to the same values")
    func flowReplyReadsBack() throws {
        let text = written { w in
            w.beginObject()
            w.key("type"); w.value("flow")
            w.key("session"); w.value("6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f")
            w.key("seq"); w.value(Int64(42))
            w.key("intensity"); w.value(0.61803, fractionDigits: 3)
            w.key("in_flow"); w.value(true)
            w.key("recommendations"); w.beginArray(); w.value("take a break"); w.endArray()
            w.endObject()
        }
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["seq"] as? Int == 42)
        #expect(object?["intensity"] as? Double == 0.618)
        #expect(try withObject(text) { o throws(JSONError) in try o.double("intensity") } == 0.618)
    }
}
