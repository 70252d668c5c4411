import TestSupport
import Testing
import WireJSON

/// Integer and floating-point conversion of number tokens (RFC 8259 §6).
struct JSONNumberTests {
    private func int64(_ text: String) -> Result<Int64, JSONError> {
        var parser = JSONParser()
        return Array(text.utf8).withUnsafeBytes { raw in
            Result { () throws(JSONError) -> Int64 in try parser.parse(raw).int64() }
        }
    }

    private func double(_ text: String) -> Result<Double, JSONError> {
        var parser = JSONParser()
        return Array(text.utf8).withUnsafeBytes { raw in
            Result { () throws(JSONError) -> Double in try parser.parse(raw).double() }
        }
    }

    @Test("integers at the Int64 edges are exact", arguments: [
        Int64.max, Int64.min, Int64.max - 1, Int64.min + 1, 0, 1, -1, 999_999_999_999_999_999, -1_000_000_000_000_000_000,
        4_294_967_296, -2_147_483_649,
    ])
    func int64Edges(value: Int64) throws {
        #expect(try int64(String(value)).get() == value)
    }

    @Test("integers just outside Int64 are out of range, never wrapped", arguments: [
        "9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
        "99999999999999999999", "-99999999999999999999", "123456789012345678901234567890",
    ])
    func int64Overflow(text: String) {
        #expect(int64(text) == .failure(.numberOutOfRange(field: "$", expected: .integer)))
    }

    @Test("-0 is the integer 0")
    func negativeZeroInteger() throws {
        #expect(try int64("-0").get() == 0)
    }

    @Test("Int32 getters reject values outside Int32")
    func int32Range() throws {
        let text = #"{"a":2147483647,"b":-2147483648,"c":2147483648,"d":-2147483649}"#
        #expect(try withObject(text) { o throws(JSONError) in try o.int32("a") } == Int32.max)
        #expect(try withObject(text) { o throws(JSONError) in try o.int32("b") } == Int32.min)
        for key in ["c", "d"] {
            let result = Result { () throws(JSONError) -> Int32 in
                try withObject(text) { o throws(JSONError) in key == "c" ? try o.int32("c") : try o.int32("d") }
            }
            #expect(result == .failure(.numberOutOfRange(field: key, expected: .integer)))
        }
    }

    @Test("doubles match the standard library's correctly rounded parse", arguments: [
        "0.5", "-0.5", "3.141592653589793", "1e-7", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
        "0.1", "0.2", "0.30000000000000004", "123456789012345678", "9007199254740993", "1e22", "1e23", "8.5e-17",
        "0.000001", "100", "-0.0", "1E+2", "12345678901234567890.123", "0.8472", "1e-400", "7.0e-10", "5e-324",
        "2.4703282292062328e-324", "179769313486231580793728971405301e276",
    ])
    func doublesCorrectlyRounded(text: String) throws {
        let expected = try #require(Double(text))
        let parsed = try double(text).get()
        #expect(parsed == expected)
        #expect(parsed.sign == expected.sign)
    }

    @Test("random decimal tokens parse like the standard library", arguments: [UInt64(1), 2, 3])
    func randomDoubles(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<3000 {
            var text = Bool.random(using: &random) ? "-" : ""
            let integerDigits = Int.random(in: 1...12, using: &random)
            for k in 0..<integerDigits {
                text += String(Int.random(in: (k == 0 && integerDigits > 1 ? 1 : 0)...9, using: &random))
            }
            if Bool.random(using: &random) {
                text += "."
                for _ in 0..<Int.random(in: 1...12, using: &random) { text += String(Int.random(in: 0...9, using: &random)) }
            }
            if Bool.random(using: &random) { text += "e" + String(Int.random(in: -30...30, using: &random)) }
            let expected = try #require(Double(text))
            #expect(try double(text).get() == expected, "\(text)")
        }
    }

    @Test("doubles too large to be finite are out of range", arguments: ["1e309", "-1e400", "1" + String(repeating: "0", count: 400)])
    func doubleOverflow(text: String) {
        #expect(double(text) == .failure(.numberOutOfRange(field: "$", expected: .number)))
    }

    @Test("double() accepts integers; numberBytes() returns the token verbatim")
    func integersAsDoubles() throws {
        #expect(try double("42").get() == 42)
        #expect(try double("-9223372036854775808").get() == -9.223372036854775808e18)
        let text = #"{"x":-1.250E+02}"#
        let raw = try withObject(text) { o throws(JSONError) in Array(try o.require("x").numberBytes()) }
        #expect(String(decoding: raw, as: UTF8.self) == "-1.250E+02")
    }
}
