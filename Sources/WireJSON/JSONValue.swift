/// One value of a parsed document: a borrowed position on the parser's tape.
///
/// Getters check the type and convert; on a mismatch they throw an access error that
/// names the field this value was reached through (`seq`, `keystroke_intervals[3]`, or
/// `$` for the top-level value), so the server can answer `invalid_field` precisely.
///
/// A view is valid until its ``JSONParser`` parses again, and only while the payload
/// buffer is alive. It allocates nothing.
public struct JSONValue {
    let tape: JSONTape
    let index: Int
    /// Tape index of the member name this value was reached through, or -1.
    let keyIndex: Int
    /// Position in the enclosing array, or -1.
    let element: Int

    init(tape: JSONTape, index: Int, keyIndex: Int = -1, element: Int = -1) {
        self.tape = tape
        self.index = index
        self.keyIndex = keyIndex
        self.element = element
    }

    var node: JSONNode { tape.nodes[index] }

    /// The value's type (``JSONType/integer`` or ``JSONType/number`` for numbers).
    public var type: JSONType { node.type }

    /// True for `null`.
    public var isNull: Bool { node.type == .null }

    /// The boolean value.
    public func bool() throws(JSONError) -> Bool {
        let node = self.node
        guard node.type == .bool else { throw mismatch(expected: .bool) }
        return node.flags & JSONNode.trueFlag != 0
    }

    /// The exact integer value. Only integer tokens qualify (`3`, not `3.0` or `3e0`).
    /// - Throws: ``JSONError/wrongType(field:expected:found:)``, or
    ///   ``JSONError/numberOutOfRange(field:expected:)`` outside `Int64`.
    public func int64() throws(JSONError) -> Int64 {
        let node = self.node
        guard node.type == .integer else { throw mismatch(expected: .integer) }
        guard let value = JSONNumberDecoding.int64(tape.raw(node)) else {
            throw .numberOutOfRange(field: fieldName, expected: .integer)
        }
        return value
    }

    /// The integer value, required to fit in `Int32`.
    public func int32() throws(JSONError) -> Int32 {
        guard let value = Int32(exactly: try int64()) else {
            throw .numberOutOfRange(field: fieldName, expected: .integer)
        }
        return value
    }

    /// The nearest `Double` to any number token, integer or not.
    /// - Throws: ``JSONError/numberOutOfRange(field:expected:)`` when it is not finite
    ///   (e.g. `1e400`).
    public func double() throws(JSONError) -> Double {
        let node = self.node
        guard node.type == .integer || node.type == .number else { throw mismatch(expected: .number) }
        guard let value = JSONNumberDecoding.double(tape.raw(node)) else {
            throw .numberOutOfRange(field: fieldName, expected: .number)
        }
        return value
    }

    /// The number token exactly as written in the payload (for verbatim copying).
    public func numberBytes() throws(JSONError) -> UnsafeRawBufferPointer {
        let node = self.node
        guard node.type == .integer || node.type == .number else { throw mismatch(expected: .number) }
        return tape.raw(node)
    }

    /// The string, borrowed and still escaped (see ``JSONStringView``).
    public func string() throws(JSONError) -> JSONStringView {
        let node = self.node
        guard node.type == .string else { throw mismatch(expected: .string) }
        return tape.string(node)
    }

    /// The string as a new `String` (allocating; for cold paths).
    public func ownedString() throws(JSONError) -> String {
        try string().makeString()
    }

    /// The object, for member lookup.
    public func object() throws(JSONError) -> JSONObject {
        guard node.type == .object else { throw mismatch(expected: .object) }
        return JSONObject(value: self)
    }

    /// The array, for iteration.
    public func array() throws(JSONError) -> JSONArray {
        guard node.type == .array else { throw mismatch(expected: .array) }
        return JSONArray(value: self)
    }

    /// The field name errors about this value use: the member name it was reached
    /// through, with `[i]` for an array element, or `$` for the top-level value.
    public var fieldName: String {
        var name = keyIndex < 0 ? "$" : tape.string(tape.nodes[keyIndex]).makeString()
        if element >= 0 { name += "[\(element)]" }
        return name
    }

    /// The type-mismatch error for this value (kept out of line: it allocates).
    @inline(never)
    func mismatch(expected: JSONType) -> JSONError {
        .wrongType(field: fieldName, expected: expected, found: node.type)
    }
}
