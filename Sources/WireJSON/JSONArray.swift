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
        var cursor = value.index + 1
        for position in 0..<count {
            buffer[position] = try int32(at: &cursor, position: position)
        }
        return count
    }

    /// Replaces the contents of `values` with the elements (integers within `Int32`).
    /// `values` keeps its capacity, so a reused array allocates nothing once large enough.
    /// - Throws: as ``int32s(into:)-(UnsafeMutableBufferPointer<Int32>)``, with `limit`
    ///   as the largest accepted count.
    public func int32s(into values: inout [Int32], limit: Int = .max) throws(JSONError) {
        let count = self.count
        guard count <= limit else { throw .tooManyElements(field: value.fieldName, limit: limit) }
        values.removeAll(keepingCapacity: true)
        var cursor = value.index + 1
        for position in 0..<count {
            values.append(try int32(at: &cursor, position: position))
        }
    }

    /// The element at tape index `cursor` as an `Int32`, advancing `cursor` past it.
    /// Tokens of at most 9 bytes (`999999999`, `-99999999`) always fit, so they are
    /// converted inline; anything else goes through ``JSONValue/int32()`` for its checks
    /// and its error naming the element.
    @inline(__always)
    private func int32(at cursor: inout Int, position: Int) throws(JSONError) -> Int32 {
        let tape = value.tape
        let node = tape.nodes[cursor]
        guard node.type == .integer, node.length <= 9 else {
            let element = JSONValue(tape: tape, index: cursor, keyIndex: value.keyIndex, element: position)
            cursor = node.next(after: cursor)
            return try element.int32()
        }
        cursor += 1
        var p = tape.bytes + Int(node.start)
        let zero = UInt8(ascii: "0")
        // Keystroke intervals: one to three digits, unrolled.
        switch node.length {
        case 1: return Int32(p[0] &- zero)
        case 2 where p[0] != UInt8(ascii: "-"): return Int32(p[0] &- zero) &* 10 &+ Int32(p[1] &- zero)
        case 3 where p[0] != UInt8(ascii: "-"):
            return Int32(p[0] &- zero) &* 100 &+ Int32(p[1] &- zero) &* 10 &+ Int32(p[2] &- zero)
        default: break
        }
        let end = p + Int(node.length)
        let negative = p.pointee == UInt8(ascii: "-")
        if negative { p += 1 }
        var magnitude: Int32 = 0
        while p < end {
            magnitude = magnitude &* 10 &+ Int32(p.pointee &- UInt8(ascii: "0"))
            p += 1
        }
        return negative ? 0 &- magnitude : magnitude
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
