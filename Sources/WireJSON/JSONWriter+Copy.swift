// Re-emitting parsed values: relaying a client's object, and the fuzzer's round trip.

extension JSONWriter {
    /// Writes a member name taken from a parsed document (decoded, then re-escaped).
    public mutating func key(_ name: JSONStringView) {
        separateValue()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes a string taken from a parsed document (decoded, then re-escaped).
    public mutating func value(_ string: JSONStringView) {
        separateValue()
        writeString(string)
    }

    /// Writes a parsed value and everything inside it.
    ///
    /// Strings are decoded and re-escaped in the writer's canonical form; numbers are
    /// copied verbatim, so no precision is lost; whitespace is dropped. Recursion depth
    /// equals the value's nesting depth, which the parser bounded by
    /// ``JSONLimits/maxDepth``.
    public mutating func value(_ parsed: JSONValue) {
        switch parsed.type {
        case .null:
            null()
        case .bool:
            value(parsed.node.flags & JSONNode.trueFlag != 0)
        case .integer, .number:
            separateValue()
            bytes.append(contentsOf: parsed.tape.raw(parsed.node))
        case .string:
            value(parsed.tape.string(parsed.node))
        case .array:
            beginArray()
            for element in JSONArray(value: parsed) { value(element) }
            endArray()
        case .object:
            beginObject()
            for (name, member) in JSONObject(value: parsed) {
                key(name)
                value(member)
            }
            endObject()
        }
    }

    /// Writes a parsed string: decoded (on the stack when small), then escaped only
    /// where JSON requires it.
    private mutating func writeString(_ string: JSONStringView) {
        guard let plain = string.unescapedUTF8 else {
            withUnsafeTemporaryAllocation(byteCount: string.utf8Count, alignment: 1) { decoded in
                let count = string.copyUTF8(into: decoded) ?? 0
                writeString(UnsafeRawBufferPointer(rebasing: decoded[0..<count]))
            }
            return
        }
        writeString(plain)
    }
}
