import Testing
import WireJSON

/// RFC 8259, section by section: what a strict reader accepts and rejects.
struct RFC8259GrammarTests {
    // MARK: §2 JSON Grammar

    @Test("§2: any value may be the top-level JSON text, surrounded by whitespace", arguments: [
        ("1", TestJSON.integer("1")),
        (#""a""#, .string("a")),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("null", .null),
        (" \t\r\n[ ]\n\r\t ", .array([])),
        ("{}", .object([])),
    ])
    func topLevelValues(text: String, expected: TestJSON) throws {
        #expect(try parseTree(text).get() == expected)
    }

    @Test("§2: insignificant whitespace is only space, tab, line feed and carriage return", arguments: [
        "\u{0C}1", "1\u{0B}", "\u{A0}1", "\u{2028}1", "[1,\u{0C}2]",
    ])
    func otherWhitespaceRejected(text: String) {
        #expect(parseError(text) != nil)
    }

    @Test("§2: a JSON text is exactly one value", arguments: ["", " ", "1 2", "[] []", "{}{}", "\"a\" \"b\"", "1,"])
    func exactlyOneValue(text: String) {
        #expect(parseError(text) != nil)
    }

    @Test("§8.1: a byte order mark is not skipped")
    func byteOrderMarkRejected() {
        #expect(parseError([0xEF, 0xBB, 0xBF] + Array("1".utf8)) == .unexpectedCharacter(offset: 0, found: 0xEF, expected: .value))
    }

    // MARK: §3 Values

    @Test("§3: the literal names MUST be lowercase; no other literals exist", arguments: [
        "True", "FALSE", "Null", "nul", "tru", "fals", "undefined", "NaN", "Infinity", "-Infinity", "nan", "inf", "truex", "nulll",
    ])
    func literalsRejected(text: String) {
        #expect(parseError(text) != nil)
    }

    // MARK: §4 Objects

    @Test("§4: objects of members separated by commas", arguments: [
        ("{}", TestJSON.object([])),
        (#"{"a":1}"#, .object([.init(name: "a", value: .integer("1"))])),
        (#" { "a" : 1 , "b" : [ ] } "#, .object([.init(name: "a", value: .integer("1")), .init(name: "b", value: .array([]))])),
        (#"{"a":{"a":{}}}"#, .object([.init(name: "a", value: .object([.init(name: "a", value: .object([]))]))])),
        (#"{"":null}"#, .object([.init(name: "", value: .null)])),
    ])
    func objectsAccepted(text: String, expected: TestJSON) throws {
        #expect(try parseTree(text).get() == expected)
    }

    @Test("§4: malformed objects are rejected", arguments: [
        "{", "}", #"{"a"}"#, #"{"a":}"#, "{a:1}", "{'a':1}", #"{"a":1,}"#, "{,}", #"{,"a":1}"#, #"{"a" 1}"#,
        #"{"a":1 "b":2}"#, "{1:2}", "{null:1}", #"{"a":1]"#, #"{"a":1}}"#, #"{"a"::1}"#, #"{"a":1,,"b":2}"#, #"{"a";1}"#,
    ])
    func objectsRejected(text: String) {
        #expect(parseError(text) != nil)
    }

    // MARK: §5 Arrays

    @Test("§5: arrays of values separated by commas", arguments: [
        ("[]", TestJSON.array([])),
        ("[1]", .array([.integer("1")])),
        ("[ 1 , [ 2 , [ ] ] ]", .array([.integer("1"), .array([.integer("2"), .array([])])])),
        (#"[null,true,false,"",{}]"#, .array([.null, .bool(true), .bool(false), .string(""), .object([])])),
    ])
    func arraysAccepted(text: String, expected: TestJSON) throws {
        #expect(try parseTree(text).get() == expected)
    }

    @Test("§5: malformed arrays are rejected", arguments: [
        "[", "]", "[1,]", "[,1]", "[,]", "[1,,2]", "[1 2]", "[1}", "[[]", "[]]", "[1:2]", "[\"a\":1]",
    ])
    func arraysRejected(text: String) {
        #expect(parseError(text) != nil)
    }

    // MARK: §6 Numbers

    @Test("§6: number = [ minus ] int [ frac ] [ exp ]", arguments: [
        ("0", JSONType.integer), ("-0", .integer), ("7", .integer), ("-7", .integer), ("10", .integer),
        ("1234567890", .integer), ("0.5", .number), ("-0.5", .number), ("1e5", .number), ("1E5", .number),
        ("1e+5", .number), ("1e-5", .number), ("1.5e10", .number), ("0e0", .number), ("-0.0e-0", .number),
        ("1.0", .number), ("123456789012345678901234567890", .integer), ("1e400", .number), ("1E-400", .number),
    ])
    func numbersAccepted(text: String, type: JSONType) throws {
        let expected: TestJSON = type == .integer ? .integer(text) : .number(text)
        #expect(try parseTree(text).get() == expected)
    }

    @Test("§6: plus signs, bare fractions, leading zeros, hex and non-finite values are not numbers", arguments: [
        "+1", ".5", "1.", "01", "-01", "00", "--1", "-", "1e", "1e+", "1E-", "1.e5", "0x10", "1_000", "1.5.5", "- 1",
        "0.e1", "-.5", "1e5.5", "1ee5", "Infinity", "-NaN", "[.5]", "[1.]", "[01]", "1,000",
    ])
    func numbersRejected(text: String) {
        #expect(parseError(text) != nil)
    }

    // MARK: §7 Strings

    @Test("§7: escapes decode to their characters", arguments: [
        (#""""#, ""),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "A\u{E9}\u{20AC}"),
        (#""\u0000""#, "\u{0}"),
        (#""\uD83D\uDE00""#, "\u{1F600}"),
        (#""\udbff\udfff""#, "\u{10FFFF}"),
        (#""\uD800\uDC00""#, "\u{10000}"),
        (#""a\u0022b""#, "a\"b"),
        ("\"\u{7F}\"", "\u{7F}"),
        ("\"é😀\u{FFFF}\"", "é😀\u{FFFF}"),
        (#""/""#, "/"),
    ])
    func escapesDecoded(text: String, expected: String) throws {
        #expect(try parseTree(text).get() == .string(expected))
    }

    @Test("§7: unescaped control characters, bad escapes and unterminated strings are rejected", arguments: [
        "\"", "\"abc", "'a'", "\"\t\"", "\"\n\"", "\"\u{0}\"", "\"\u{1F}\"", #""\x""#, #""\a""#, #""\U0041""#,
        #""\u12""#, #""\u12G4""#, #""\u-123""#, #""\""#, #""\'""#, #""\0""#, "\"\\\n\"", #""\u 123""#,
    ])
    func stringsRejected(text: String) {
        #expect(parseError(text) != nil)
    }

    @Test("§7, §8.2: unpaired surrogate escapes are rejected", arguments: [
        #""\uD800""#, #""\uDBFF""#, #""\uDC00""#, #""\uDFFF""#, #""\uD800\u0041""#, #""\uD800x""#,
        #""\uD800\n""#, #""\uDC00\uD800""#, #""\uD800\uD800""#, #""\uD83D""#,
    ])
    func unpairedSurrogatesRejected(text: String) {
        guard case .unpairedSurrogate = parseError(text) else {
            Issue.record("\(text) was not rejected as an unpaired surrogate")
            return
        }
    }

    // MARK: §8.1 Character Encoding

    @Test("§8.1: strings must be well-formed UTF-8", arguments: [
        [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
        [0xED, 0xBF, 0xBF], [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF5, 0x80, 0x80, 0x80], [0xFE], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC3], [0xE2, 0x28, 0xA1],
        [0xC3, 0x28],
    ] as [[UInt8]])
    func illFormedUTF8Rejected(sequence: [UInt8]) {
        #expect(parseError([0x22] + sequence + [0x22]) == .invalidUTF8(offset: 1))
    }

    @Test("§8.1: every boundary of well-formed UTF-8 is accepted", arguments: [
        [0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80], [0xEF, 0xBF, 0xBF],
        [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF3, 0xBF, 0xBF, 0xBF],
    ] as [[UInt8]])
    func wellFormedUTF8Accepted(sequence: [UInt8]) throws {
        let expected = try #require(String(validating: sequence, as: UTF8.self))
        #expect(try parseTree([0x22] + sequence + [0x22]).get() == .string(expected))
    }

    @Test("§8.1: bytes outside strings must be JSON tokens, whatever their encoding", arguments: [
        [0xC3, 0xA9], [0x00], [0x31, 0x00], [0x5B, 0x00, 0x5D],
    ] as [[UInt8]])
    func nonTokenBytesRejected(bytes: [UInt8]) {
        #expect(parseError(bytes) != nil)
    }

    // MARK: §4, §8.3 Member names

    @Test("§4: duplicate member names (compared after unescaping) are rejected", arguments: [
        #"{"a":1,"a":2}"#, #"{"a":1,"\u0061":2}"#, #"{"\/":1,"/":2}"#, #"{"a":1,"b":2,"a":3}"#,
        #"{"x":{"a":1,"a":1}}"#, #"[{"é":1,"\u00e9":2}]"#, #"{"😀":1,"\ud83d\ude00":2}"#,
    ])
    func duplicateNamesRejected(text: String) {
        guard case .duplicateKey = parseError(text) else {
            Issue.record("\(text) was not rejected as a duplicate key")
            return
        }
    }

    @Test("§4: names that differ in case, nesting or bytes are distinct", arguments: [
        #"{"a":1,"A":2}"#, #"{"a":1,"b":{"a":2}}"#, #"{"a":1,"a ":2}"#, #"{"":1,"\u0000":2}"#, #"[{"a":1},{"a":2}]"#,
    ])
    func distinctNamesAccepted(text: String) {
        #expect(parseError(text) == nil)
    }
}
