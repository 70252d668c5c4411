// RFC 8259 §6 number grammar. Conversion to Int64/Double happens in the getters
// (JSONNumberDecoding), so a document with a huge number is valid JSON and only the
// field that needs it fails, with a field name.

extension JSONParser {
    /// Scans `number = [ minus ] int [ frac ] [ exp ]` at `start`, appends its tape entry
    /// and returns the index after it.
    ///
    /// `int = zero / ( digit1-9 *DIGIT )`, `frac = decimal-point 1*DIGIT`,
    /// `exp = e [ minus / plus ] 1*DIGIT`: so `+1`, `.5`, `1.`, `01`, `1e` are rejected.
    @inline(__always)
    mutating func scanNumber(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) throws(JSONError) -> Int {
        var i = start
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { throw .unexpectedEnd(offset: n, expected: .digit) }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < n && Self.isDigit(p[i]) { throw .leadingZero(offset: i - 1) }
        } else {
            guard Self.isDigit(p[i]) else { throw .unexpectedCharacter(offset: i, found: p[i], expected: .digit) }
            i = Self.skipDigits(p, n, i + 1)
        }
        var type = JSONType.integer
        if i < n && p[i] == UInt8(ascii: ".") {
            type = .number
            i = try Self.requireDigits(p, n, i + 1)
        }
        if i < n && (p[i] | 0x20) == UInt8(ascii: "e") {
            type = .number
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            i = try Self.requireDigits(p, n, i)
        }
        _ = try append(JSONNode(type: type, start: start, length: i - start), offset: start)
        return i
    }

    /// `1*DIGIT` at `start`; returns the index after the run.
    @inline(__always)
    static func requireDigits(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) throws(JSONError) -> Int {
        guard start < n else { throw .unexpectedEnd(offset: n, expected: .digit) }
        guard isDigit(p[start]) else { throw .unexpectedCharacter(offset: start, found: p[start], expected: .digit) }
        return skipDigits(p, n, start + 1)
    }

    @inline(__always)
    static func skipDigits(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int) -> Int {
        var i = start
        while i < n && isDigit(p[i]) { i += 1 }
        return i
    }

    @inline(__always)
    static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }
}
