/// The borrowed view of a parsed document that ``JSONValue``, ``JSONObject``,
/// ``JSONArray`` and ``JSONStringView`` share: the tape and the payload bytes.
///
/// Both pointers are borrowed. They stay valid until the owning ``JSONParser`` parses
/// again or is destroyed, and while the payload buffer passed to `parse` is alive.
struct JSONTape {
    let nodes: UnsafePointer<JSONNode>
    let bytes: UnsafePointer<UInt8>

    init(nodes: UnsafePointer<JSONNode>, bytes: UnsafePointer<UInt8>) {
        self.nodes = nodes
        self.bytes = bytes
    }

    /// The raw bytes of a string or number entry.
    func raw(_ node: JSONNode) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes + Int(node.start), count: Int(node.length))
    }

    /// The decoded form of a string entry as a ``JSONStringView``.
    func string(_ node: JSONNode) -> JSONStringView {
        JSONStringView(raw: raw(node), decodedCount: Int(node.extra), isEscaped: node.isEscaped)
    }
}
