/// A piece of JSON composed with plain stores into a bounded buffer and appended to a
/// ``JSONWriter`` with one copy (see ``JSONWriter/appendFragment(maximumCount:_:)``).
///
/// For messages whose shape is fixed: member names and separators are written as
/// pre-encoded literals (`,"seq":`), numbers and ids in place, so a hot message costs one
/// capacity check instead of one per key and value. The caller owns the grammar: what it
/// writes must be JSON text that needs no escaping (literals made of printable ASCII,
/// numbers, and bytes it knows to be plain), and it must not write more than it reserved
/// (a precondition stops it).
public struct JSONFragment {
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let capacity: Int
    /// Bytes written so far.
    public private(set) var count = 0

    @usableFromInline
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        // withUnsafeTemporaryAllocation always has a base address (capacity ≥ 1 asked).
        base = buffer.baseAddress.unsafelyUnwrapped
        capacity = buffer.count
    }

    /// Space for `n` more bytes, or a trap: writing past the reservation is a caller bug.
    @inline(__always)
    mutating func claim(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(n <= capacity &- count, "JSONFragment: more bytes than reserved")
        let start = base + count
        count &+= n
        return start
    }

    /// Appends `text` as it is: pre-encoded JSON such as `,"seq":` or `{"type":"flow"`.
    @inline(__always)
    public mutating func literal(_ text: StaticString) {
        let n = text.utf8CodeUnitCount
        Self.copy(UnsafeRawPointer(text.utf8Start), to: UnsafeMutableRawPointer(claim(n)), count: n)
    }

    /// Copies `n` bytes. A message's literals are mostly 8 to 32 bytes, and `n` is known where
    /// this is inlined: two or four overlapping word moves instead of a call to `memcpy`.
    @inline(__always)
    static func copy(_ source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count n: Int) {
        @inline(__always) func word(at offset: Int) {
            let bytes = source.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            target.storeBytes(of: bytes, toByteOffset: offset, as: UInt64.self)
        }
        if n >= 8 && n <= 16 {
            word(at: 0)
            word(at: n &- 8)
        } else if n > 16 && n <= 32 {
            word(at: 0)
            word(at: 8)
            word(at: n &- 16)
            word(at: n &- 8)
        } else {
            target.copyMemory(from: source, byteCount: n)
        }
    }

    /// Appends `bytes` as they are (the caller knows they are plain JSON text).
    @inline(__always)
    public mutating func verbatim(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        UnsafeMutableRawPointer(claim(bytes.count)).copyMemory(from: source, byteCount: bytes.count)
    }

    /// Lets `body` fill exactly `count` bytes in place (an id formatted straight into the
    /// output).
    @inline(__always)
    public mutating func write(count n: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void) {
        body(UnsafeMutableRawBufferPointer(start: claim(n), count: n))
    }

    /// Appends `true` or `false`.
    @inline(__always)
    public mutating func value(_ bool: Bool) {
        literal(bool ? "true" : "false")
    }

    /// Appends an integer in decimal.
    public mutating func value(_ integer: Int64) {
        if integer < 0 { claim(1).pointee = UInt8(ascii: "-") }
        appendDigits(integer.magnitude, minimumCount: 1)
    }

    /// Appends `double` with exactly `fractionDigits` digits after the point, with the
    /// digits of ``JSONWriter/value(_:fractionDigits:)`` (exact rounding, ties to even, no
    /// `-0.000`); NaN and ±infinity as `null`.
    ///
    /// - Precondition: `fractionDigits` is in `0...17` and `|double|` is below 2^52 (ratios,
    ///   durations: the values a fixed-shape message carries).
    public mutating func value(_ double: Double, fractionDigits: Int) {
        precondition((0...17).contains(fractionDigits), "JSONFragment: fractionDigits must be in 0...17")
        guard double.isFinite else {
            literal("null")
            return
        }
        precondition(double.magnitude < 0x1p52, "JSONFragment: |value| must be below 2^52")
        let scale = JSONWriter.powerOfTen(fractionDigits)
        let (whole, fraction) = JSONWriter.fixedPoint(double.magnitude, scale: scale)
        if double < 0 && (whole != 0 || fraction != 0) { claim(1).pointee = UInt8(ascii: "-") }
        appendDigits(whole, minimumCount: 1)
        guard fractionDigits > 0 else { return }
        claim(1).pointee = UInt8(ascii: ".")
        appendDigits(fraction, minimumCount: fractionDigits)
    }

    /// Appends `units` × 10^-`fractionDigits` with exactly `fractionDigits` digits after the
    /// point: `0.847` for 847 and 3. A value kept as its
    /// ``JSONWriter/decimalUnits(_:fractionDigits:)`` is written with the digits
    /// ``value(_:fractionDigits:)`` writes for it, without rounding again.
    ///
    /// - Precondition: `fractionDigits` is in `0...17`.
    public mutating func value(decimalUnits units: UInt64, fractionDigits: Int) {
        precondition((0...17).contains(fractionDigits), "JSONFragment: fractionDigits must be in 0...17")
        if fractionDigits == 3 && units < 10_000 {
            // A ratio in thousandths (`flow` carries six): five bytes in one claim, each digit
            // by a constant division, where the general path below costs two digit loops.
            let start = claim(5)
            let fraction = units % 1_000
            start[0] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: units / 1_000)
            start[1] = UInt8(ascii: ".")
            start[2] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction / 100)
            start[3] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction / 10 % 10)
            start[4] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: fraction % 10)
            return
        }
        let (whole, fraction) = units.quotientAndRemainder(dividingBy: JSONWriter.powerOfTen(fractionDigits))
        appendDigits(whole, minimumCount: 1)
        guard fractionDigits > 0 else { return }
        claim(1).pointee = UInt8(ascii: ".")
        appendDigits(fraction, minimumCount: fractionDigits)
    }

    /// Appends `number` in decimal, left-padded with zeros to `minimumCount` digits:
    /// digits written backwards straight into place.
    @usableFromInline
    mutating func appendDigits(_ number: UInt64, minimumCount: Int) {
        var width = 1
        var bound: UInt64 = 10
        while width < 20 && number >= bound {
            width &+= 1
            bound = bound &* 10
        }
        width = Swift.max(width, minimumCount)
        let start = claim(width)
        var rest = number
        var i = width
        repeat {
            i &-= 1
            let (quotient, digit) = rest.quotientAndRemainder(dividingBy: 10)
            start[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit)
            rest = quotient
        } while i > 0
    }
}

extension JSONWriter {
    /// Composes up to `maximumCount` bytes with `body` on the stack and appends them with
    /// one copy. See ``JSONFragment`` for what `body` may write. Separators are the
    /// caller's: the fragment is appended as written (start it with `,` where one is due).
    public mutating func appendFragment(maximumCount: Int, _ body: (inout JSONFragment) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Swift.max(maximumCount, 1)) { buffer in
            var fragment = JSONFragment(buffer)
            body(&fragment)
            bytes.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress, count: fragment.count))
        }
    }
}
