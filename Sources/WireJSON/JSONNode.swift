/// One entry of the parse tape: 16 bytes, written once per value or key.
///
/// The tape lists values in document order (a pre-order walk). An object's entry is
/// followed by key, value, key, value…; an array's by its elements. Containers record
/// where their subtree ends so a reader can skip a member in O(1).
///
/// | kind            | `start`                    | `length`             | `extra`                  |
/// |-----------------|----------------------------|----------------------|--------------------------|
/// | string (or key) | offset after the `"`       | raw bytes up to `"`  | length after unescaping  |
/// | integer, number | offset of the first byte   | bytes of the token   | unused                   |
/// | array, object   | offset of `[` or `{`       | elements or members  | tape index after subtree |
/// | bool, null      | offset of the literal      | unused               | unused                   |
///
/// `flags` holds ``escapedFlag`` for strings with a backslash and ``trueFlag`` for `true`.
struct JSONNode {
    var start: UInt32
    var length: UInt32
    var extra: UInt32
    var type: JSONType
    var flags: UInt8

    /// The string contains at least one escape; its raw bytes differ from its value.
    static let escapedFlag: UInt8 = 1
    /// The literal is `true` (type ``JSONType/bool``).
    static let trueFlag: UInt8 = 2

    init(type: JSONType, start: Int, length: Int = 0, extra: Int = 0, flags: UInt8 = 0) {
        self.start = UInt32(truncatingIfNeeded: start)
        self.length = UInt32(truncatingIfNeeded: length)
        self.extra = UInt32(truncatingIfNeeded: extra)
        self.type = type
        self.flags = flags
    }

    /// Tape index of the entry after this value and everything inside it.
    func next(after index: Int) -> Int {
        switch type {
        case .array, .object: Int(extra)
        case .null, .bool, .integer, .number, .string: index + 1
        }
    }

    /// True for a string whose raw bytes contain an escape.
    var isEscaped: Bool { flags & Self.escapedFlag != 0 }
}
