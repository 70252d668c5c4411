/// Looks up an object's members in the order a decoder reads them: each look-up starts at
/// the member after the previous match and wraps around once.
///
/// Same answers as ``JSONObject/subscript(_:)`` (names are unique: the parser rejects
/// duplicates), but when the fields are read in the order the client wrote them, as a
/// message's decoder does for the documented order, each look-up compares one name instead
/// of scanning from the first member. Out of order it costs at most one scan, as the
/// subscript does.
public struct JSONMembersInOrder {
    /// The object read.
    public let object: JSONObject
    /// Tape index of the member name to try first.
    var cursor: Int

    /// Starts before the object's first member.
    public init(_ object: JSONObject) {
        self.object = object
        cursor = object.value.index + 1
    }

    /// The member named `key`, or `nil`.
    public mutating func member(_ key: StaticString) -> JSONValue? {
        guard key.hasPointerRepresentation else {
            return key.withUTF8Buffer { member(utf8: UnsafeRawBufferPointer($0)) }
        }
        return member(utf8: UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    /// The member whose name is the UTF-8 bytes `key`, or `nil`.
    public mutating func member(utf8 key: UnsafeRawBufferPointer) -> JSONValue? {
        let tape = object.value.tape
        let first = object.value.index + 1
        let end = Int(object.value.node.extra)
        guard let found = find(key, from: cursor, to: end) ?? find(key, from: first, to: cursor) else { return nil }
        cursor = tape.nodes[found + 1].next(after: found + 1)
        return JSONValue(tape: tape, index: found + 1, keyIndex: found)
    }

    /// Tape index of the name `key` among the members from `start` up to `end`, or `nil`.
    @inline(__always)
    private func find(_ key: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        let tape = object.value.tape
        var k = start
        while k < end {
            let name = tape.nodes[k]
            // Length first; a name without escapes is its raw bytes, compared in place.
            if Int(name.extra) == key.count
                && (name.isEscaped ? tape.string(name).equals(utf8: key)
                    : JSONStringView.bytesEqual(tape.raw(name), key)) { return k }
            k = tape.nodes[k + 1].next(after: k + 1)
        }
        return nil
    }

    /// The member named `key`, or ``JSONError/missingField(field:)``.
    public mutating func require(_ key: StaticString) throws(JSONError) -> JSONValue {
        guard let member = member(key) else { throw .missingField(field: "\(key)") }
        return member
    }

    /// The member unless it is absent or `null`.
    public mutating func presentMember(_ key: StaticString) -> JSONValue? {
        guard let member = member(key), !member.isNull else { return nil }
        return member
    }
}
