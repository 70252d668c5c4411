/// An array of a parsed document, iterated in order without allocating.
///
/// Besides generic iteration it has bulk integer extraction for the protocol's
/// `keystroke_intervals` (up to 512 values per message): one pass over the tape that
/// checks each element's type and range.
public struct JSONArray: Sequence {
    let value: JSONValue

    init(value: JSONValue) {
        self.value = value
    }

    /// Number of elements.
    public var count: Int { Int(value.node.length) }

    /// True when the array has no elements.
    public var isEmpty: Bool { value.node.length == 0 }

    /// Copies the elements, which must be integers within `Int32`, into `buffer`.
    ///
    /// - Returns: the number of elements written (the array's ``count``).
    /// - Throws: ``JSONError/tooManyElements(field:limit:)`` before writing anything
    ///   when the array is longer than `buffer`; ``JSONError/wrongType(field:expected:found:)``
    ///   or ``JSONError/numberOutOfRange(field:expected:)`` naming the element
    ///   (`keystroke_intervals[7]`).
    public func int32s(into buffer: UnsafeMutableBufferPointer<Int32>) throws(JSONError) -> Int {
        let count = self.count
        guard count <= buffer.count else {
            throw .tooManyElements(field: value.fieldName, limit: buffer.count)
        }
        var written = 0
        for element in self {
            buffer[written] = try element.int32()
            written += 1
        }
        return written
    }

    /// Replaces the contents of `values` with the elements (integers within `Int32`).
    /// `values` keeps its capacity, so a reused array allocates nothing once large enough.
    /// - Throws: as ``int32s(into:)-(UnsafeMutableBufferPointer<Int32>)``, with `limit`
    ///   as the largest accepted count.
    public func int32s(into values: inout [Int32], limit: Int = .max) throws(JSONError) {
        guard count <= limit else { throw .tooManyElements(field: value.fieldName, limit: limit) }
        values.removeAll(keepingCapacity: true)
        for element in self {
            values.append(try element.int32())
        }
    }

    /// Replaces the contents of `values` with the elements (integers within `Int64`).
    public func int64s(into values: inout [Int64], limit: Int = .max) throws(JSONError) {
        guard count <= limit else { throw .tooManyElements(field: value.fieldName, limit: limit) }
        values.removeAll(keepingCapacity: true)
        for element in self {
            values.append(try element.int64())
        }
    }

    /// Iterates the elements in order.
    public struct Iterator: IteratorProtocol {
        let tape: JSONTape
        var cursor: Int
        let end: Int
        let keyIndex: Int
        var position = 0

        /// The next element; errors about it name the field `name[position]`.
        public mutating func next() -> JSONValue? {
            guard cursor < end else { return nil }
            let element = JSONValue(tape: tape, index: cursor, keyIndex: keyIndex, element: position)
            cursor = tape.nodes[cursor].next(after: cursor)
            position += 1
            return element
        }
    }

    /// An iterator over the elements.
    public func makeIterator() -> Iterator {
        Iterator(tape: value.tape, cursor: value.index + 1, end: Int(value.node.extra), keyIndex: value.keyIndex)
    }

    /// The array itself as a value (for type queries and copying).
    public var asValue: JSONValue { value }
}
