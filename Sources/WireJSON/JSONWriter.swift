/// Writes JSON into a reusable byte array: the `flow` reply and every other outgoing
/// message of the hot path.
///
/// ```swift
/// writer.reset()                        // keeps capacity: no allocation once warm
/// writer.beginObject()
/// writer.key("type"); writer.value("flow")    // literals: StaticString fast path
/// writer.key("name"); writer.value(string: userName)
/// writer.key("seq"); writer.value(seq)
/// writer.key("intensity"); writer.value(intensity, fractionDigits: 3)
/// writer.endObject()
/// send(writer.bytes)
/// ```
///
/// Separators are inferred, not tracked: a `,` is written before a key or value unless
/// the previous byte is `{`, `[` or `:` (or nothing was written yet). The writer
/// therefore has no depth limit and no state beyond its bytes. It does not check that
/// calls nest correctly (a key inside an array, say): that is the caller's contract,
/// and the round-trip tests and fuzzer check that correct call sequences produce
/// RFC 8259 text that ``JSONParser`` reads back to the same document.
///
/// Every string written is valid UTF-8 JSON: quotes, backslashes and control characters
/// are escaped, valid UTF-8 passes through unchanged, and bytes that are not valid
/// UTF-8 (possible only through the `utf8:` entry points) become `\ufffd`.
public struct JSONWriter: Sendable {
    /// The JSON written since the last ``reset()``.
    public internal(set) var bytes: [UInt8]

    /// Creates a writer with `capacity` bytes reserved.
    public init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Forgets what was written and keeps the capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Number of bytes written.
    public var count: Int { bytes.count }

    /// Calls `body` with the written bytes (no copy). Inlinable so that callers get it
    /// specialized: the generic form looks up `Result`'s metadata at run time on every call.
    @inlinable
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }
        return try result.get()
    }

    // MARK: Structure

    /// Writes `{`.
    public mutating func beginObject() {
        separateValue()
        bytes.append(UInt8(ascii: "{"))
    }

    /// Writes `}`.
    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes `[`.
    public mutating func beginArray() {
        separateValue()
        bytes.append(UInt8(ascii: "["))
    }

    /// Writes `]`.
    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes a member name and `:`. Names made of printable ASCII without `"` or `\`
    /// (all of the protocol's) are copied as they are; others are escaped.
    public mutating func key(_ name: StaticString) {
        name.withUTF8Buffer { utf8 in
            guard Self.isPlain(utf8) else {
                separateValue()
                writeString(UnsafeRawBufferPointer(utf8))
                bytes.append(UInt8(ascii: ":"))
                return
            }
            appendPlainString(utf8, colon: true)
        }
    }

    /// Writes a member name given at run time, escaped, and `:`. (Labelled so that a
    /// literal always takes the `StaticString` fast path.)
    public mutating func key(string name: String) {
        separateValue()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes a member name given as UTF-8 bytes, escaped, and `:`.
    public mutating func key(utf8 name: UnsafeRawBufferPointer) {
        separateValue()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    // MARK: Scalars

    /// Writes `null`.
    public mutating func null() {
        separateValue()
        appendLiteral("null")
    }

    /// Writes `true` or `false`.
    public mutating func value(_ bool: Bool) {
        separateValue()
        appendLiteral(bool ? "true" : "false")
    }

    /// Writes an integer in decimal (RFC 8259 §6 `int`).
    public mutating func value(_ integer: Int64) {
        separateValue()
        let negative = integer < 0
        var magnitude = integer.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20
            repeat {
                i -= 1
                digits[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if negative { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<20]))
        }
    }

    /// Writes an integer in decimal.
    public mutating func value(_ integer: Int) {
        value(Int64(integer))
    }

    /// Writes an integer in decimal.
    public mutating func value(_ integer: Int32) {
        value(Int64(integer))
    }

    /// Writes a string literal, escaped as needed.
    public mutating func value(_ string: StaticString) {
        string.withUTF8Buffer { utf8 in
            guard Self.isPlain(utf8) else {
                separateValue()
                writeString(UnsafeRawBufferPointer(utf8))
                return
            }
            appendPlainString(utf8, colon: false)
        }
    }

    /// Writes a string given at run time, escaped as needed. (Labelled so that a
    /// literal always takes the `StaticString` fast path.)
    public mutating func value(string: String) {
        separateValue()
        writeString(string)
    }

    /// Writes a string given as UTF-8 bytes, escaped as needed.
    public mutating func value(utf8 string: UnsafeRawBufferPointer) {
        separateValue()
        writeString(string)
    }

    /// Writes an array of integers.
    public mutating func value(_ integers: UnsafeBufferPointer<Int32>) {
        beginArray()
        for integer in integers { value(Int64(integer)) }
        endArray()
    }

    // MARK: Helpers

    /// Writes `,` unless this is the first thing written or follows `{`, `[` or `:`.
    @inline(__always)
    mutating func separateValue() {
        if needsSeparator { bytes.append(UInt8(ascii: ",")) }
    }

    /// True when the next key or value must be preceded by `,`.
    @inline(__always)
    var needsSeparator: Bool {
        guard let last = bytes.last else { return false }
        return last != UInt8(ascii: "{") && last != UInt8(ascii: "[") && last != UInt8(ascii: ":")
    }

    /// True when `utf8` is printable ASCII without `"` or `\\`: it needs no escaping.
    @inline(__always)
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in utf8 where c < 0x20 || c >= 0x80 || c == 0x22 || c == 0x5C { return false }
        return true
    }

    /// Appends `,"string"` (comma as needed, `:` when `colon`) with a single append:
    /// one uniqueness and capacity check instead of five.
    @inline(__always)
    mutating func appendPlainString(_ utf8: UnsafeBufferPointer<UInt8>, colon: Bool) {
        let comma = needsSeparator
        let count = utf8.count
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 4) { buffer in
            var i = 0
            if comma {
                buffer[0] = UInt8(ascii: ",")
                i = 1
            }
            buffer[i] = UInt8(ascii: "\"")
            i += 1
            if let source = utf8.baseAddress, count > 0 {
                (buffer.baseAddress! + i).initialize(from: source, count: count)
            }
            i += count
            buffer[i] = UInt8(ascii: "\"")
            i += 1
            if colon {
                buffer[i] = UInt8(ascii: ":")
                i += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<i]))
        }
    }

    @inline(__always)
    mutating func appendLiteral(_ literal: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
