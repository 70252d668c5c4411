/// A request's `id` (PROTOCOL.md: "any string ≤ 64 bytes"), held inline.
///
/// Clients may tag every `activity` with an id, so keeping it must not allocate: the up
/// to 64 UTF-8 bytes live in fixed inline storage (72 bytes in all), copied from the
/// payload and written back into the `ref` of the answer.
public struct RequestID: Sendable, Hashable, CustomStringConvertible {
    /// The largest id accepted, in UTF-8 bytes.
    public static let maximumBytes = 64

    /// Eight words of storage; bytes past ``count`` are zero.
    private var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0)
    /// Number of bytes used.
    public private(set) var count: Int = 0

    /// Copies `utf8`, or returns `nil` when it is longer than ``maximumBytes``.
    /// The bytes are expected to be valid UTF-8 (the JSON parser guarantees it).
    public init?(utf8: UnsafeRawBufferPointer) {
        guard utf8.count <= Self.maximumBytes else { return nil }
        count = utf8.count
        withUnsafeMutableBytes(of: &storage) { words in
            guard let source = utf8.baseAddress, let target = words.baseAddress else { return }
            target.copyMemory(from: source, byteCount: utf8.count)
        }
    }

    /// Copies `string`'s UTF-8, or returns `nil` when it is longer than ``maximumBytes``.
    public init?(_ string: String) {
        var string = string
        guard let id = string.withUTF8({ Self(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = id
    }

    /// Calls `body` with the id's UTF-8 bytes (no copy beyond the stack).
    public func withUTF8<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeBytes(of: storage) { words in
            body(UnsafeRawBufferPointer(rebasing: words[0..<count]))
        }
    }

    /// The id as a `String` (allocates when longer than 15 bytes; for logs and tests).
    public var description: String {
        withUTF8 { String(decoding: $0, as: UTF8.self) }
    }

    public static func == (lhs: RequestID, rhs: RequestID) -> Bool {
        lhs.count == rhs.count
            && withUnsafeBytes(of: lhs.storage) { a in
                withUnsafeBytes(of: rhs.storage) { b in a.elementsEqual(b) }
            }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        withUnsafeBytes(of: storage) { hasher.combine(bytes: $0) }
    }
}
