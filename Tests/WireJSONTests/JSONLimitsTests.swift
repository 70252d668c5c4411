import Testing
import WireJSON

/// RFC 8259 §9: "An implementation may set limits on the size of texts that it accepts
/// … on the maximum depth of nesting." Each limit is enforced at the byte that crosses it.
struct JSONLimitsTests {
    private func nested(_ depth: Int, open: String = "[", close: String = "]") -> String {
        String(repeating: open, count: depth) + String(repeating: close, count: depth)
    }

    @Test("the default depth limit is 32: 32 levels parse, 33 do not")
    func defaultDepth() {
        #expect(JSONLimits().maxDepth == 32)
        #expect(parseError(nested(32)) == nil)
        #expect(parseError(nested(33)) == .nestingTooDeep(offset: 32, limit: 32))
        let objects = String(repeating: #"{"a":"#, count: 33) + "1" + String(repeating: "}", count: 33)
        #expect(parseError(objects) == .nestingTooDeep(offset: 32 * 5, limit: 32))
    }

    @Test("the depth limit is configurable, far beyond what recursion could take", arguments: [0, 1, 5, 100_000])
    func configurableDepth(limit: Int) {
        let limits = JSONLimits(maxDepth: limit, maxValues: 1_000_000)
        if limit > 0 { #expect(parseError(nested(limit), limits: limits) == nil) }
        #expect(parseError(nested(limit + 1), limits: limits) == .nestingTooDeep(offset: limit, limit: limit))
        #expect(parseError("7", limits: JSONLimits(maxDepth: 0)) == nil)
    }

    @Test("an unclosed deep document fails without recursion")
    func deepUnclosed() {
        let text = String(repeating: "[", count: 200_000)
        #expect(parseError(text, limits: JSONLimits(maxDepth: 1_000_000, maxValues: 1_000_000))
            == .unexpectedEnd(offset: 200_000, expected: .value))
    }

    @Test("the value limit counts values and member names")
    func valueLimit() {
        #expect(parseError("[1,2]", limits: JSONLimits(maxValues: 3)) == nil)
        #expect(parseError(#"{"a":1}"#, limits: JSONLimits(maxValues: 3)) == nil)
        #expect(parseError(#"{"a":1,"b":2}"#, limits: JSONLimits(maxValues: 4)) == .tooManyValues(offset: 11, limit: 4))
        let many = "[" + Array(repeating: "0", count: 10_000).joined(separator: ",") + "]"
        #expect(parseError(many) == .tooManyValues(offset: 19_999, limit: 10_000))
    }

    @Test("large objects are checked for duplicates in O(n log n)")
    func largeObject() {
        let members = (0..<4000).map { #""key\#($0)":\#($0)"# }.joined(separator: ",")
        #expect(parseError("{" + members + "}") == nil)
        #expect(parseError("{" + members + #","key3999":0}"#) == .duplicateKey(offset: members.utf8.count + 2, key: "key3999"))
    }

    @Test("the input size limit is checked before parsing")
    func inputSize() {
        #expect(JSONLimits().maxInputBytes == 1 << 20)
        #expect(parseError("[ ]", limits: JSONLimits(maxInputBytes: 2)) == .inputTooLarge(byteCount: 3, limit: 2))
    }
}
