// The RFC 8259 grammar as one iterative loop: an explicit stack of open containers
// instead of recursion, so a configured depth limit can never overflow the thread stack.

extension JSONParser {
    /// Scans `p[0..<n]` as `JSON-text = ws value ws` (RFC 8259 §2) onto the tape.
    mutating func scanDocument(_ p: UnsafePointer<UInt8>, _ n: Int) throws(JSONError) {
        var depth = 0
        var i = Self.skipWhitespace(p, n, 0)
        value: while true {
            // A value is required at `i`.
            guard i < n else { throw .unexpectedEnd(offset: n, expected: .value) }
            let c = p[i]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < limits.maxDepth else {
                    throw .nestingTooDeep(offset: i, limit: limits.maxDepth)
                }
                let isObject = c == UInt8(ascii: "{")
                let index = try append(JSONNode(type: isObject ? .object : .array, start: i), offset: i)
                push(index, depth: depth)
                depth += 1
                i = Self.skipWhitespace(p, n, i + 1)
                if i < n && p[i] == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    // Empty container: closed at once, then "after a value" below.
                    i += 1
                    nodes[index].extra = UInt32(truncatingIfNeeded: nodeCount)
                    depth -= 1
                } else if isObject {
                    i = try scanMemberName(p, n, i, object: index)
                    continue value
                } else {
                    nodes[index].length = 1
                    continue value
                }
            case UInt8(ascii: "\""):
                i = try scanString(p, n, i)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                i = try scanNumber(p, n, i)
            case UInt8(ascii: "t"):
                i = try scanLiteral(p, n, i, "true", .trueLiteral, flags: JSONNode.trueFlag)
            case UInt8(ascii: "f"):
                i = try scanLiteral(p, n, i, "false", .falseLiteral, flags: 0)
            case UInt8(ascii: "n"):
                i = try scanLiteral(p, n, i, "null", .nullLiteral, flags: 0)
            default:
                throw .unexpectedCharacter(offset: i, found: c, expected: .value)
            }

            // A value ended just before `i`: a separator or a container end follows.
            while true {
                i = Self.skipWhitespace(p, n, i)
                guard depth > 0 else {
                    // RFC 8259 §2: only whitespace may follow the top-level value.
                    if i < n { throw .trailingData(offset: i) }
                    return
                }
                let top = Int(stack[depth - 1])
                let isObject = nodes[top].type == .object
                let expected: JSONExpectation = isObject ? .commaOrObjectEnd : .commaOrArrayEnd
                guard i < n else { throw .unexpectedEnd(offset: n, expected: expected) }
                let c = p[i]
                if c == UInt8(ascii: ",") {
                    let comma = i
                    i = Self.skipWhitespace(p, n, i + 1)
                    // RFC 8259 §4, §5: a value-separator is followed by another member.
                    let end = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                    if i < n && p[i] == end { throw .trailingComma(offset: comma) }
                    if isObject {
                        i = try scanMemberName(p, n, i, object: top)
                    } else {
                        nodes[top].length &+= 1
                    }
                    continue value
                }
                guard c == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else {
                    throw .unexpectedCharacter(offset: i, found: c, expected: expected)
                }
                i += 1
                nodes[top].extra = UInt32(truncatingIfNeeded: nodeCount)
                if isObject && nodes[top].length > 1 {
                    try checkDuplicateNames(object: top, bytes: p)
                }
                depth -= 1
            }
        }
    }

    /// Scans `member = string name-separator value` up to the value (RFC 8259 §4):
    /// the name, whitespace, `:` and whitespace. Counts the member on the object.
    @inline(__always)
    mutating func scanMemberName(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, object: Int
    ) throws(JSONError) -> Int {
        guard start < n else { throw .unexpectedEnd(offset: n, expected: .objectKey) }
        guard p[start] == UInt8(ascii: "\"") else {
            throw .unexpectedCharacter(offset: start, found: p[start], expected: .objectKey)
        }
        var i = try scanString(p, n, start)
        nodes[object].length &+= 1
        i = Self.skipWhitespace(p, n, i)
        guard i < n else { throw .unexpectedEnd(offset: n, expected: .colon) }
        guard p[i] == UInt8(ascii: ":") else {
            throw .unexpectedCharacter(offset: i, found: p[i], expected: .colon)
        }
        return Self.skipWhitespace(p, n, i + 1)
    }

    /// Scans `true`, `false` or `null` (RFC 8259 §3: lowercase only).
    @inline(__always)
    mutating func scanLiteral(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int,
        _ literal: StaticString, _ expected: JSONExpectation, flags: UInt8
    ) throws(JSONError) -> Int {
        let count = literal.utf8CodeUnitCount
        let word = literal.utf8Start
        for k in 1..<count {
            guard start + k < n else { throw .unexpectedEnd(offset: n, expected: expected) }
            guard p[start + k] == word[k] else {
                throw .unexpectedCharacter(offset: start + k, found: p[start + k], expected: expected)
            }
        }
        let type: JSONType = count == 4 && word[0] == UInt8(ascii: "n") ? .null : .bool
        _ = try append(JSONNode(type: type, start: start, flags: flags), offset: start)
        return start + count
    }

    /// RFC 8259 §2: `ws = *( %x20 / %x09 / %x0A / %x0D )`.
    @inline(__always)
    static func skipWhitespace(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var i = start
        while i < n {
            switch p[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return i
            }
        }
        return i
    }
}
