/// A strict RFC 8259 JSON reader that parses a borrowed payload into a reusable tape.
///
/// One parser lives on each event loop and is reused message after message. Its tape,
/// container stack and scratch space keep their capacity, so once they have grown to fit
/// the largest message seen, parsing allocates nothing.
///
/// ```swift
/// var parser = JSONParser()                       // once per event loop
/// let message = try parser.parseObject(payload)   // per text message
/// let seq = try message.int64("seq")
/// let count = try message.int32s("keystroke_intervals", into: intervals)
/// ```
///
/// What it accepts is exactly RFC 8259 `JSON-text`, plus these decisions where the RFC
/// leaves room (each is tested):
/// - duplicate member names are rejected (``JSONError/duplicateKey(offset:key:)``),
/// - `\u` escapes of unpaired UTF-16 surrogates are rejected
///   (``JSONError/unpairedSurrogate(offset:)``), so every string is valid Unicode,
/// - string bytes must be well-formed UTF-8, and a byte-order mark is not skipped,
/// - numbers of any size are accepted; range is checked when a getter converts them,
/// - ``JSONLimits`` bound depth, value count and payload size.
///
/// The views returned by ``parse(_:)`` (``JSONValue`` and friends) borrow the tape and
/// the payload: they are valid until the next `parse`, and only while the payload buffer
/// is. Copy out what must outlive the message.
public struct JSONParser: ~Copyable {
    /// The limits every `parse` enforces.
    public let limits: JSONLimits

    /// Tape storage; `nodes[0..<nodeCount]` is the last parsed document.
    var nodes: UnsafeMutablePointer<JSONNode>
    var nodeCapacity: Int
    var nodeCount: Int = 0
    /// Tape indices of the containers that are open while scanning.
    var stack: UnsafeMutablePointer<Int32>
    var stackCapacity: Int
    /// Key indices of one object while checking it for duplicate names.
    var scratch: UnsafeMutablePointer<Int32>
    var scratchCapacity: Int

    /// Creates a parser. `initialCapacity` tape entries are reserved up front (16 bytes
    /// each); the tape grows by doubling up to `limits.maxValues` when a document needs it.
    public init(limits: JSONLimits = JSONLimits(), initialCapacity: Int = 1024) {
        self.limits = limits
        nodeCapacity = Swift.max(16, Swift.min(initialCapacity, limits.maxValues))
        nodes = .allocate(capacity: nodeCapacity)
        stackCapacity = Swift.max(1, Swift.min(limits.maxDepth, 64))
        stack = .allocate(capacity: stackCapacity)
        scratchCapacity = 64
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        nodes.deallocate()
        stack.deallocate()
        scratch.deallocate()
    }

    /// Number of tape entries (values plus object keys) of the last parsed document.
    public var valueCount: Int { nodeCount }

    /// Parses `bytes` as one JSON text and returns its top-level value.
    ///
    /// - Parameter bytes: the whole payload. It is borrowed, never copied; the returned
    ///   view reads from it, so it must stay valid while the view is used.
    /// - Returns: a view valid until the next call on this parser.
    /// - Throws: a syntax or limit case of ``JSONError`` with the byte offset.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        guard bytes.count <= limits.maxInputBytes else {
            throw .inputTooLarge(byteCount: bytes.count, limit: limits.maxInputBytes)
        }
        nodeCount = 0
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw .unexpectedEnd(offset: 0, expected: .value)
        }
        let p = base.assumingMemoryBound(to: UInt8.self)
        try scanDocument(p, bytes.count)
        return JSONValue(tape: JSONTape(nodes: UnsafePointer(nodes), bytes: p), index: 0)
    }

    /// Parses `bytes` and requires the top-level value to be an object, as every
    /// Flowcoach message is.
    ///
    /// - Throws: what ``parse(_:)`` throws, or ``JSONError/wrongType(field:expected:found:)``
    ///   with field `$` when the top-level value is not an object.
    public mutating func parseObject(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONObject {
        try parse(bytes).object()
    }

    /// Appends a tape entry, enforcing ``JSONLimits/maxValues`` and growing if needed.
    /// Returns the new entry's index.
    @inline(__always)
    mutating func append(_ node: JSONNode, offset: Int) throws(JSONError) -> Int {
        guard nodeCount < limits.maxValues else {
            throw .tooManyValues(offset: offset, limit: limits.maxValues)
        }
        if nodeCount == nodeCapacity { growNodes() }
        (nodes + nodeCount).initialize(to: node)
        nodeCount += 1
        return nodeCount - 1
    }

    /// Doubles the tape (bounded by `limits.maxValues`); rare, so kept out of line.
    @inline(never)
    mutating func growNodes() {
        let newCapacity = Swift.min(nodeCapacity * 2, limits.maxValues)
        let newNodes = UnsafeMutablePointer<JSONNode>.allocate(capacity: newCapacity)
        newNodes.moveInitialize(from: nodes, count: nodeCount)
        nodes.deallocate()
        nodes = newNodes
        nodeCapacity = newCapacity
    }

    /// Pushes an open container's tape index at `depth` (0-based), growing if needed.
    @inline(__always)
    mutating func push(_ index: Int, depth: Int) {
        if depth == stackCapacity {
            let newCapacity = stackCapacity * 2
            let newStack = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
            newStack.moveInitialize(from: stack, count: stackCapacity)
            stack.deallocate()
            stack = newStack
            stackCapacity = newCapacity
        }
        stack[depth] = Int32(truncatingIfNeeded: index)
    }

    /// Makes sure `scratch` holds at least `count` entries.
    mutating func reserveScratch(_ count: Int) {
        guard count > scratchCapacity else { return }
        scratch.deallocate()
        scratchCapacity = Swift.max(count, scratchCapacity * 2)
        scratch = .allocate(capacity: scratchCapacity)
    }
}
