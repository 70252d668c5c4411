// The numbers of an `activity`: counts, times and the keystroke intervals, the bulk of the
// message (64 intervals in a typical window). See ActivityFastPath.swift for the reader.

extension ActivityFastReader {
    /// `0|[1-9][0-9]*`, at most 18 digits (so no overflow), within `lower...upper`.
    /// A sign, fraction or exponent declines (the next token is then not `,`, `]` or `}`,
    /// nor is the digit after a leading zero).
    @inline(__always)
    mutating func integer(in lower: Int64, _ upper: Int64) throws(ActivityFastPathDeclined) -> Int64 {
        let value = try unsigned()
        guard value >= lower && value <= upper else { throw .notTaken }
        return value
    }

    @inline(__always)
    mutating func unsigned() throws(ActivityFastPathDeclined) -> Int64 {
        let (value, next) = try Self.unsigned(p, i)
        i = next
        return Int64(value)
    }

    /// The digits at `p[start]` as `0|[1-9][0-9]*` of at most 18 digits (so no overflow),
    /// and the index after them.
    ///
    /// Up to three digits (every interval of a typical window, most counts) are read
    /// unrolled. No bound is checked: a byte is read only after the one before it was a
    /// digit, so at the latest the closing `}` stops the scan.
    @inline(__always)
    static func unsigned(_ p: UnsafePointer<UInt8>, _ start: Int) throws(ActivityFastPathDeclined) -> (UInt64, Int) {
        let d0 = p[start] &- UInt8(ascii: "0")
        guard d0 < 10 else { throw .notTaken }
        let d1 = p[start &+ 1] &- UInt8(ascii: "0")
        guard d1 < 10 else { return (UInt64(d0), start &+ 1) }
        guard d0 != 0 else { throw .notTaken }  // `01`: a leading zero is not JSON
        let d2 = p[start &+ 2] &- UInt8(ascii: "0")
        guard d2 < 10 else { return (UInt64(d0) &* 10 &+ UInt64(d1), start &+ 2) }
        let d3 = p[start &+ 3] &- UInt8(ascii: "0")
        guard d3 < 10 else { return (UInt64(d0) &* 100 &+ UInt64(d1) &* 10 &+ UInt64(d2), start &+ 3) }
        return try unsignedLong(p, start)
    }

    /// Four digits or more (`at_ms`, `seq`, durations), one at a time.
    @inline(never)
    static func unsignedLong(_ p: UnsafePointer<UInt8>, _ start: Int) throws(ActivityFastPathDeclined) -> (UInt64, Int) {
        var i = start
        var value: UInt64 = 0
        while true {
            let digit = p[i] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ UInt64(digit)
            i &+= 1
        }
        guard i &- start <= 18 else { throw .notTaken }
        return (value, i)
    }

    /// `[` integers within 0…`maximumMs` `]` into `buffer`; more than it holds declines.
    ///
    /// The hot loop of the message (64 values in a typical window): the cursor stays in a
    /// register, and the compact form `1,2,3` takes one comparison per separator.
    mutating func intervals(
        into buffer: UnsafeMutableBufferPointer<Int32>, maximumMs: Int64
    ) throws(ActivityFastPathDeclined) -> Int {
        try expect(UInt8(ascii: "["))
        skipWhitespace()
        if p[i] == UInt8(ascii: "]") {
            i &+= 1
            return 0
        }
        guard let out = buffer.baseAddress, maximumMs >= 0 else { throw .notTaken }
        let capacity = buffer.count
        let maximum = UInt64(maximumMs)
        var i = self.i
        var count = 0
        while true {
            // The commonest elements of a typing window: three digits and a comma, two of them
            // read as one word (bytes i...i + 7 lie before the closing `}`), or one.
            if count &+ 2 <= capacity, i &+ 8 <= end, let (first, second) = Self.twoThreeDigitsAndCommas(
                UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))) {
                guard UInt64(Swift.max(first, second)) <= maximum else { throw .notTaken }
                out[count] = Int32(truncatingIfNeeded: first)
                out[count &+ 1] = Int32(truncatingIfNeeded: second)
                count &+= 2
                i &+= 8
                if p[i] <= 0x20 {
                    while Self.isWhitespace(p[i]) { i &+= 1 }
                }
                continue
            }
            guard count < capacity else { throw .notTaken }  // too_large in the general path
            if i &+ 4 <= end, let word = Self.threeDigitsAndComma(
                UInt32(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt32.self))) {
                guard UInt64(word) <= maximum else { throw .notTaken }
                out[count] = Int32(truncatingIfNeeded: word)
                count &+= 1
                i &+= 4
                if p[i] <= 0x20 {
                    while Self.isWhitespace(p[i]) { i &+= 1 }
                }
                continue
            }
            let (value, next) = try Self.unsigned(p, i)
            i = next
            guard value <= maximum else { throw .notTaken }
            out[count] = Int32(truncatingIfNeeded: value)
            count &+= 1
            var c = p[i]
            if c <= 0x20 {
                while Self.isWhitespace(p[i]) { i &+= 1 }
                c = p[i]
            }
            if c == UInt8(ascii: ",") {
                i &+= 1
                if p[i] <= 0x20 {
                    while Self.isWhitespace(p[i]) { i &+= 1 }
                }
                continue
            }
            guard c == UInt8(ascii: "]") else { throw .notTaken }
            self.i = i &+ 1
            return count
        }
    }

    /// The value of the four bytes `[1-9][0-9][0-9],` in `word` (the first byte lowest), or
    /// `nil` for any other four bytes.
    ///
    /// Subtracting "100," leaves 0–8 in the first byte, 0–9 in the other digits' and 0 in
    /// the comma's. Any other byte shows in the mask: one below its expected byte wraps to
    /// 0x80 or more (a leading `0` among them; the borrow can only disturb the bytes after
    /// it), a byte above its range reaches 0x80 when 0x77 (first) or 0x76 (other digits) is
    /// added, and the comma's byte must be exactly 0. Checked against all 2^32 words
    /// (docs/BENCHMARKS.md).
    @inline(__always)
    static func threeDigitsAndComma(_ word: UInt32) -> UInt32? {
        let t = word &- 0x2C30_3031
        guard (t | (t &+ 0x0076_7677)) & 0xFF80_8080 == 0 else { return nil }
        return (t & 0xFF) &* 100 &+ (t &>> 8 & 0xFF) &* 10 &+ (t &>> 16 & 0xFF) &+ 100
    }

    /// The values of the eight bytes `[1-9][0-9][0-9],[1-9][0-9][0-9],` in `word` (the first
    /// byte lowest), or `nil` unless both halves are such elements: the test of
    /// ``threeDigitsAndComma(_:)`` on both halves at once. A borrow or carry crosses into
    /// the upper half only from a byte of the lower half that is already out of its range.
    @inline(__always)
    static func twoThreeDigitsAndCommas(_ word: UInt64) -> (UInt32, UInt32)? {
        let t = word &- 0x2C30_3031_2C30_3031
        guard (t | (t &+ 0x0076_7677_0076_7677)) & 0xFF80_8080_FF80_8080 == 0 else { return nil }
        let low = UInt32(truncatingIfNeeded: t)
        let high = UInt32(truncatingIfNeeded: t &>> 32)
        return ((low & 0xFF) &* 100 &+ (low &>> 8 & 0xFF) &* 10 &+ (low &>> 16 & 0xFF) &+ 100,
                (high & 0xFF) &* 100 &+ (high &>> 8 & 0xFF) &* 10 &+ (high &>> 16 & 0xFF) &+ 100)
    }
}
