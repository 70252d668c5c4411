/// A string of a parsed document, borrowed from the payload.
///
/// The parser validated it and measured its decoded length, but did not decode it.
/// When it contains no escapes (the usual case: keys, UUIDs, language names) its UTF-8
/// is simply ``unescapedUTF8``; otherwise it is decoded on demand into caller storage.
/// Valid as long as the ``JSONValue`` it came from.
public struct JSONStringView {
    /// The bytes between the quotes, exactly as in the payload.
    public let rawBytes: UnsafeRawBufferPointer
    /// Length of the string in UTF-8 bytes after unescaping.
    public let utf8Count: Int
    /// True when the raw bytes contain a backslash escape.
    public let isEscaped: Bool

    init(raw: UnsafeRawBufferPointer, decodedCount: Int, isEscaped: Bool) {
        self.rawBytes = raw
        self.utf8Count = decodedCount
        self.isEscaped = isEscaped
    }

    /// The string's UTF-8 when it has no escapes (no copy), `nil` when it must be decoded.
    public var unescapedUTF8: UnsafeRawBufferPointer? { isEscaped ? nil : rawBytes }

    /// Calls `body` with the decoded UTF-8: the payload bytes when there are no escapes,
    /// otherwise the string decoded into `scratch` (cleared first; it keeps its capacity,
    /// so a reused scratch array allocates nothing once large enough).
    public func withUTF8<R, E: Error>(
        scratch: inout [UInt8], _ body: (UnsafeRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        guard isEscaped else { return try body(rawBytes) }
        scratch.removeAll(keepingCapacity: true)
        appendUTF8(to: &scratch)
        // Array.withUnsafeBytes is not typed-throws; carry the error across in a Result.
        let result = scratch.withUnsafeBytes { bytes in
            Result { () throws(E) -> R in try body(bytes) }
        }
        return try result.get()
    }

    /// Appends the decoded UTF-8 to `array`.
    public func appendUTF8(to array: inout [UInt8]) {
        guard isEscaped else {
            array.append(contentsOf: rawBytes)
            return
        }
        guard utf8Count > 0 else { return }
        let start = array.count
        array.append(contentsOf: repeatElement(0, count: utf8Count))
        array.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            _ = JSONUnescaper.decode(rawBytes, into: base + start)
        }
    }

    /// Copies the decoded UTF-8 into `buffer` and returns the byte count, or returns
    /// `nil` (writing nothing) when `buffer` is shorter than ``utf8Count``.
    public func copyUTF8(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard utf8Count <= buffer.count else { return nil }
        guard utf8Count > 0, let base = buffer.baseAddress else { return 0 }
        let out = base.assumingMemoryBound(to: UInt8.self)
        if isEscaped { return JSONUnescaper.decode(rawBytes, into: out) }
        out.update(from: rawBytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: utf8Count)
        return utf8Count
    }

    /// A new `String` with the decoded value. Allocates when longer than 15 bytes: for
    /// cold paths (names, error messages), not the per-message path.
    public func makeString() -> String {
        String(unsafeUninitializedCapacity: utf8Count) { buffer in
            copyUTF8(into: UnsafeMutableRawBufferPointer(buffer)) ?? 0
        }
    }

    /// True when the decoded value equals `key`'s UTF-8, compared byte by byte.
    public func equals(_ key: StaticString) -> Bool {
        key.withUTF8Buffer { equals(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// True when the decoded value equals the UTF-8 bytes `utf8`.
    public func equals(utf8: UnsafeRawBufferPointer) -> Bool {
        guard utf8.count == utf8Count else { return false }
        guard isEscaped else { return Self.bytesEqual(rawBytes, utf8) }
        var decoded = JSONUnescaper(raw: rawBytes)
        for byte in utf8 where decoded.next() != byte { return false }
        return true
    }

    /// True when both decode to the same bytes.
    public func equals(_ other: JSONStringView) -> Bool {
        guard utf8Count == other.utf8Count else { return false }
        if !isEscaped { return other.equals(utf8: rawBytes) }
        if !other.isEscaped { return equals(utf8: other.rawBytes) }
        return compare(other) == 0
    }

    /// A total order on decoded values (shorter first, then bytewise); 0 when equal.
    func compare(_ other: JSONStringView) -> Int {
        if utf8Count != other.utf8Count { return utf8Count < other.utf8Count ? -1 : 1 }
        var a = JSONUnescaper(raw: rawBytes)
        var b = JSONUnescaper(raw: other.rawBytes)
        while let x = a.next(), let y = b.next() {
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    /// Compares two equally long byte runs, eight bytes at a time.
    static func bytesEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = a.count
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        var i = 0
        while i + 8 <= n {
            if pa.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != pb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if pa.load(fromByteOffset: i, as: UInt8.self) != pb.load(fromByteOffset: i, as: UInt8.self) {
                return false
            }
            i += 1
        }
        return true
    }

    /// Compares with `==`, as in `if name == "activity"`.
    public static func == (lhs: JSONStringView, rhs: StaticString) -> Bool { lhs.equals(rhs) }
}
