import Testing
import WireJSON

/// Every error the reader throws, with the byte offset it reports.
struct JSONErrorTests {
    @Test("each syntax error reports what was expected at which byte", arguments: [
        ("", JSONError.unexpectedEnd(offset: 0, expected: .value)),
        ("   ", .unexpectedEnd(offset: 3, expected: .value)),
        ("[1,]", .trailingComma(offset: 2)),
        (#"{"a":1,}"#, .trailingComma(offset: 6)),
        ("[1 , ]", .trailingComma(offset: 3)),
        ("01", .leadingZero(offset: 0)),
        ("-01", .leadingZero(offset: 1)),
        ("[1, 00]", .leadingZero(offset: 4)),
        ("+1", .unexpectedCharacter(offset: 0, found: UInt8(ascii: "+"), expected: .value)),
        (".5", .unexpectedCharacter(offset: 0, found: UInt8(ascii: "."), expected: .value)),
        ("1.", .unexpectedEnd(offset: 2, expected: .digit)),
        ("1.x", .unexpectedCharacter(offset: 2, found: UInt8(ascii: "x"), expected: .digit)),
        ("-", .unexpectedEnd(offset: 1, expected: .digit)),
        ("-a", .unexpectedCharacter(offset: 1, found: UInt8(ascii: "a"), expected: .digit)),
        ("1e", .unexpectedEnd(offset: 2, expected: .digit)),
        ("1e+", .unexpectedEnd(offset: 3, expected: .digit)),
        ("1E+x", .unexpectedCharacter(offset: 3, found: UInt8(ascii: "x"), expected: .digit)),
        ("NaN", .unexpectedCharacter(offset: 0, found: UInt8(ascii: "N"), expected: .value)),
        ("tru", .unexpectedEnd(offset: 3, expected: .trueLiteral)),
        ("trUe", .unexpectedCharacter(offset: 2, found: UInt8(ascii: "U"), expected: .trueLiteral)),
        ("fals", .unexpectedEnd(offset: 4, expected: .falseLiteral)),
        ("nul", .unexpectedEnd(offset: 3, expected: .nullLiteral)),
        ("nulL", .unexpectedCharacter(offset: 3, found: UInt8(ascii: "L"), expected: .nullLiteral)),
        ("'a'", .unexpectedCharacter(offset: 0, found: UInt8(ascii: "'"), expected: .value)),
        ("{'a':1}", .unexpectedCharacter(offset: 1, found: UInt8(ascii: "'"), expected: .objectKey)),
        ("{", .unexpectedEnd(offset: 1, expected: .objectKey)),
        (#"{"a":1, 2}"#, .unexpectedCharacter(offset: 8, found: UInt8(ascii: "2"), expected: .objectKey)),
        (#"{"a" 1}"#, .unexpectedCharacter(offset: 5, found: UInt8(ascii: "1"), expected: .colon)),
        (#"{"a""#, .unexpectedEnd(offset: 4, expected: .colon)),
        (#"{"a":"#, .unexpectedEnd(offset: 5, expected: .value)),
        ("[", .unexpectedEnd(offset: 1, expected: .value)),
        ("[1", .unexpectedEnd(offset: 2, expected: .commaOrArrayEnd)),
        ("[1 2]", .unexpectedCharacter(offset: 3, found: UInt8(ascii: "2"), expected: .commaOrArrayEnd)),
        ("[1}", .unexpectedCharacter(offset: 2, found: UInt8(ascii: "}"), expected: .commaOrArrayEnd)),
        (#"{"a":1 "b":2}"#, .unexpectedCharacter(offset: 7, found: UInt8(ascii: "\""), expected: .commaOrObjectEnd)),
        (#"{"a":1"#, .unexpectedEnd(offset: 6, expected: .commaOrObjectEnd)),
        (#""abc"#, .unexpectedEnd(offset: 4, expected: .closingQuote)),
        ("\"a\tb\"", .controlCharacterInString(offset: 2, byte: 0x09)),
        ("[\"\u{0}\"]", .controlCharacterInString(offset: 2, byte: 0x00)),
        (#""\x""#, .invalidEscape(offset: 1)),
        (#"["ok","\'"]"#, .invalidEscape(offset: 7)),
        (#""\"#, .unexpectedEnd(offset: 2, expected: .closingQuote)),
        (#""\u12G4""#, .invalidUnicodeEscape(offset: 1)),
        (#""\u12"#, .unexpectedEnd(offset: 5, expected: .hexDigit)),
        (#""\u1Z"#, .invalidUnicodeEscape(offset: 1)),
        (#""\uD800""#, .unpairedSurrogate(offset: 1)),
        (#""a\uDC00""#, .unpairedSurrogate(offset: 2)),
        (#""\uD800\u0041""#, .unpairedSurrogate(offset: 1)),
        (#""\uD800\uZZZZ""#, .invalidUnicodeEscape(offset: 7)),
        (#"{"a":1,"a":2}"#, .duplicateKey(offset: 7, key: "a")),
        (#"{"k":1,"\u006b":2}"#, .duplicateKey(offset: 7, key: "k")),
        ("1 2", .trailingData(offset: 2)),
        ("{} x", .trailingData(offset: 3)),
        ("truex", .trailingData(offset: 4)),
        ("0 0", .trailingData(offset: 2)),
    ])
    func syntaxErrorOffsets(text: String, expected: JSONError) {
        let error = parseError(text)
        #expect(error == expected)
        #expect(error?.offset == expected.offset)
        #expect(error?.isSyntaxError == true)
    }

    @Test("invalid UTF-8 is reported at the first byte of the bad sequence")
    func invalidUTF8Offset() {
        #expect(parseError([0x22, 0x61, 0xC0, 0x80, 0x22]) == .invalidUTF8(offset: 2))
        #expect(parseError([0x5B, 0x22, 0xE2, 0x82, 0x22, 0x5D]) == .invalidUTF8(offset: 2))
        #expect(parseError([0x22, 0xF0, 0x9F, 0x98]) == .invalidUTF8(offset: 1))
    }

    @Test("limit errors report the byte where the limit was crossed")
    func limitErrors() {
        #expect(parseError("[[[1]]]", limits: JSONLimits(maxDepth: 2)) == .nestingTooDeep(offset: 2, limit: 2))
        #expect(parseError("[1,2,3]", limits: JSONLimits(maxValues: 3)) == .tooManyValues(offset: 5, limit: 3))
        #expect(parseError(#"{"a":1}"#, limits: JSONLimits(maxValues: 2)) == .tooManyValues(offset: 5, limit: 2))
        #expect(parseError("12345", limits: JSONLimits(maxInputBytes: 4)) == .inputTooLarge(byteCount: 5, limit: 4))
        #expect(parseError("1234", limits: JSONLimits(maxInputBytes: 4)) == nil)
    }

    @Test("the earliest repeated name is reported, in small and in large objects", arguments: [4, 40, 400])
    func earliestDuplicateReported(memberCount: Int) {
        // Names k0…k(n-1), then k(n/2) repeated and then k1 repeated: k(n/2) comes first.
        var text = "{"
        for m in 0..<memberCount { text += "\"k\(m)\":\(m)," }
        let offset = text.utf8.count
        text += "\"k\(memberCount / 2)\":0,\"k1\":0}"
        #expect(parseError(text) == .duplicateKey(offset: offset, key: "k\(memberCount / 2)"))
    }

    @Test("access errors name the field and carry no offset")
    func accessErrors() {
        let text = #"{"seq":"7","big":9223372036854775808,"f":1.0,"i":[1,"x"],"o":{"deep":true},"d":1e400}"#
        func error(_ body: (JSONObject) throws(JSONError) -> Void) -> JSONError? {
            do throws(JSONError) {
                try withObject(text, body)
                return nil
            } catch {
                return error
            }
        }
        var values: [Int32] = []
        #expect(error { o throws(JSONError) in _ = try o.int64("at_ms") } == .missingField(field: "at_ms"))
        #expect(error { o throws(JSONError) in _ = try o.int64("seq") }
            == .wrongType(field: "seq", expected: .integer, found: .string))
        #expect(error { o throws(JSONError) in _ = try o.int64("big") } == .numberOutOfRange(field: "big", expected: .integer))
        #expect(error { o throws(JSONError) in _ = try o.int64("f") }
            == .wrongType(field: "f", expected: .integer, found: .number))
        #expect(error { o throws(JSONError) in try o.int32s("i", into: &values) }
            == .wrongType(field: "i[1]", expected: .integer, found: .string))
        #expect(error { o throws(JSONError) in try o.int32s("i", into: &values, limit: 1) }
            == .tooManyElements(field: "i", limit: 1))
        #expect(error { o throws(JSONError) in _ = try o.object("o").string("deep") }
            == .wrongType(field: "deep", expected: .string, found: .bool))
        #expect(error { o throws(JSONError) in _ = try o.double("d") } == .numberOutOfRange(field: "d", expected: .number))
        #expect(parseObjectError("[]") == .wrongType(field: "$", expected: .object, found: .array))
        #expect(JSONError.missingField(field: "x").offset == nil)
        #expect(JSONError.missingField(field: "x").isSyntaxError == false)
    }

    private func parseObjectError(_ text: String) -> JSONError? {
        var parser = JSONParser()
        let bytes = Array(text.utf8)
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in _ = try parser.parseObject(raw) }
        }
        if case .failure(let error) = result { return error }
        return nil
    }

    @Test("messages are sentences that name the place and the fix")
    func messages() {
        #expect(JSONError.trailingComma(offset: 9).message == "trailing comma at byte 9 is not allowed")
        #expect(JSONError.unexpectedCharacter(offset: 0, found: UInt8(ascii: "+"), expected: .value).message
            == "unexpected '+' at byte 0, expected a value (object, array, string, number, true, false or null)")
        #expect(JSONError.controlCharacterInString(offset: 3, byte: 0x0A).message
            == "control character byte 0x0A at byte 3 must be escaped")
        #expect(JSONError.wrongType(field: "seq", expected: .integer, found: .string).message
            == "field \"seq\" must be an integer, found a string")
        #expect(JSONError.duplicateKey(offset: 7, key: "a").description == "duplicate key \"a\" at byte 7")
        #expect(JSONError.unexpectedEnd(offset: 4, expected: .colon).message
            == "unexpected end of input at byte 4, expected ':' after the object key")
    }
}
