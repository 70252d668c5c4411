/// An object of a parsed document, with allocation-free member lookup.
///
/// Lookup compares the requested name's UTF-8 with each member name on the tape
/// (length first, then bytes; escaped names are decoded on the fly): a linear scan,
/// which beats hashing for the ~15 members of a Flowcoach message. Names are unique
/// because the parser rejects duplicates.
///
/// Required getters (`int64(_:)`) throw ``JSONError/missingField(field:)`` when the
/// member is absent; `…IfPresent` getters return `nil` when it is absent or `null`.
public struct JSONObject: Sequence {
    let value: JSONValue

    init(value: JSONValue) {
        self.value = value
    }

    /// Number of members.
    public var count: Int { Int(value.node.length) }

    /// True when the object has no members.
    public var isEmpty: Bool { value.node.length == 0 }

    /// The member named `key`, or `nil`.
    public subscript(key: StaticString) -> JSONValue? {
        key.withUTF8Buffer { member(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// The member whose name is the UTF-8 bytes `utf8`, or `nil`.
    public func member(utf8 key: UnsafeRawBufferPointer) -> JSONValue? {
        let tape = value.tape
        var k = value.index + 1
        let end = Int(value.node.extra)
        while k < end {
            let name = tape.nodes[k]
            if Int(name.extra) == key.count && tape.string(name).equals(utf8: key) {
                return JSONValue(tape: tape, index: k + 1, keyIndex: k)
            }
            k = tape.nodes[k + 1].next(after: k + 1)
        }
        return nil
    }

    /// True when a member named `key` exists (even if it is `null`).
    public func contains(_ key: StaticString) -> Bool { self[key] != nil }

    /// True when the member exists and is `null`.
    public func isNull(_ key: StaticString) -> Bool { self[key]?.isNull ?? false }

    /// The member named `key`, or ``JSONError/missingField(field:)``.
    public func require(_ key: StaticString) throws(JSONError) -> JSONValue {
        guard let member = self[key] else { throw .missingField(field: "\(key)") }
        return member
    }

    /// The member unless it is absent or `null`.
    public func presentMember(_ key: StaticString) -> JSONValue? {
        guard let member = self[key], !member.isNull else { return nil }
        return member
    }

    // MARK: Typed getters

    /// The member's exact `Int64` value (see ``JSONValue/int64()``).
    public func int64(_ key: StaticString) throws(JSONError) -> Int64 { try require(key).int64() }
    /// The member's `Int64` value, or `nil` when absent or `null`.
    public func int64IfPresent(_ key: StaticString) throws(JSONError) -> Int64? { try presentMember(key)?.int64() }
    /// The member's value, required to fit in `Int32`.
    public func int32(_ key: StaticString) throws(JSONError) -> Int32 { try require(key).int32() }
    /// The member's `Int32` value, or `nil` when absent or `null`.
    public func int32IfPresent(_ key: StaticString) throws(JSONError) -> Int32? { try presentMember(key)?.int32() }
    /// The member's value as the nearest finite `Double` (integers included).
    public func double(_ key: StaticString) throws(JSONError) -> Double { try require(key).double() }
    /// The member's `Double` value, or `nil` when absent or `null`.
    public func doubleIfPresent(_ key: StaticString) throws(JSONError) -> Double? { try presentMember(key)?.double() }
    /// The member's boolean value.
    public func bool(_ key: StaticString) throws(JSONError) -> Bool { try require(key).bool() }
    /// The member's boolean value, or `nil` when absent or `null`.
    public func boolIfPresent(_ key: StaticString) throws(JSONError) -> Bool? { try presentMember(key)?.bool() }
    /// The member's string, borrowed (see ``JSONStringView``).
    public func string(_ key: StaticString) throws(JSONError) -> JSONStringView { try require(key).string() }
    /// The member's string, or `nil` when absent or `null`.
    public func stringIfPresent(_ key: StaticString) throws(JSONError) -> JSONStringView? {
        try presentMember(key)?.string()
    }
    /// The member's string as a new `String` (allocating; for cold paths).
    public func ownedString(_ key: StaticString) throws(JSONError) -> String { try require(key).ownedString() }
    /// The member's object.
    public func object(_ key: StaticString) throws(JSONError) -> JSONObject { try require(key).object() }
    /// The member's object, or `nil` when absent or `null`.
    public func objectIfPresent(_ key: StaticString) throws(JSONError) -> JSONObject? {
        try presentMember(key)?.object()
    }
    /// The member's array.
    public func array(_ key: StaticString) throws(JSONError) -> JSONArray { try require(key).array() }
    /// The member's array, or `nil` when absent or `null`.
    public func arrayIfPresent(_ key: StaticString) throws(JSONError) -> JSONArray? { try presentMember(key)?.array() }

    /// Copies the member's array of integers into `buffer` (see
    /// ``JSONArray/int32s(into:)-(UnsafeMutableBufferPointer<Int32>)``); returns the count.
    public func int32s(_ key: StaticString, into buffer: UnsafeMutableBufferPointer<Int32>) throws(JSONError) -> Int {
        try array(key).int32s(into: buffer)
    }

    /// Replaces the contents of `values` with the member's array of integers.
    public func int32s(_ key: StaticString, into values: inout [Int32], limit: Int = .max) throws(JSONError) {
        try array(key).int32s(into: &values, limit: limit)
    }

    // MARK: Sequence

    /// Iterates the members in document order, without allocating.
    public struct Iterator: IteratorProtocol {
        let tape: JSONTape
        var cursor: Int
        let end: Int

        /// The next member's name and value.
        public mutating func next() -> (name: JSONStringView, value: JSONValue)? {
            guard cursor < end else { return nil }
            let key = cursor
            cursor = tape.nodes[key + 1].next(after: key + 1)
            return (tape.string(tape.nodes[key]), JSONValue(tape: tape, index: key + 1, keyIndex: key))
        }
    }

    /// An iterator over the members in document order.
    public func makeIterator() -> Iterator {
        Iterator(tape: value.tape, cursor: value.index + 1, end: Int(value.node.extra))
    }

    /// The object itself as a value (for type queries and copying).
    public var asValue: JSONValue { value }
}
