// The `activity` fast path: one pass over the bytes, straight into values, with no JSON
// tape. It accepts only a strict subset of what the general path (WireJSON's parser, then
// `decodeActivity`) accepts and declines everything else, so that the general path alone
// decides every error message and every unusual input: the fast path can make a valid
// message cheaper, never a different result. See docs/ARCHITECTURE.md.

/// The one reason the fast path gives: "not taken, use the general path". Never sent to a
/// client.
enum ActivityFastPathDeclined: Error {
    case notTaken
}

/// The members the fast path knows, in PROTOCOL.md's order (the order the fast path
/// guesses first). Any other member name declines.
enum ActivityMember: Int {
    case type, id, session, seq, atMs, windowMs, keystrokes, keystrokeIntervals, contextSwitches,
         errorEvents, focusMs, filesModified, linesAdded, linesDeleted, language, fileSaved, commit

    static var count: Int { 17 }

    /// The members the general path requires; the optional ones are `id`, `language`,
    /// `file_saved` and `commit`.
    static var requiredMask: UInt32 {
        type.bit | session.bit | seq.bit | atMs.bit | windowMs.bit | keystrokes.bit | keystrokeIntervals.bit
            | contextSwitches.bit | errorEvents.bit | focusMs.bit | filesModified.bit | linesAdded.bit
            | linesDeleted.bit
    }

    var bit: UInt32 { 1 << UInt32(rawValue) }
}

/// What the fast path read from one `activity`, every value already within
/// ``InboundLimits``. Strings are positions in the payload (ASCII, unescaped).
struct ActivityFastFields {
    var session = SessionID(high: 0, low: 0)
    var seq: Int64 = 0
    var atMs: Int64 = 0
    var windowMs: Int64 = 0
    var keystrokes: Int64 = 0
    var contextSwitches: Int64 = 0
    var errorEvents: Int64 = 0
    var focusMs: Int64 = 0
    var filesModified: Int64 = 0
    var linesAdded: Int64 = 0
    var linesDeleted: Int64 = 0
    var fileSaved = false
    var commit = false
    /// Offset and length of `language`'s bytes; `nil` when absent, `null` or empty.
    var language: (start: Int, count: Int)?
    /// Offset and length of `id`'s bytes; `nil` when absent or `null`.
    var id: (start: Int, count: Int)?
    /// Intervals written to the caller's buffer.
    var intervalCount = 0
    /// Members present (bits of ``ActivityMember``).
    var members: UInt32 = 0
}

/// A cursor over one payload for the fast path.
///
/// The payload's last byte other than whitespace must be the object's closing `}`; it is
/// the sentinel that stops every scan of digits, whitespace and punctuation, so those check
/// no bound. Strings (which may contain a `}`), literals and multi-byte loads do.
struct ActivityFastReader {
    let p: UnsafePointer<UInt8>
    /// Index of the closing `}`.
    let end: Int
    var i = 0

    /// Reads `payload` as an `activity` of the accepted shape, writing the intervals to
    /// `intervals` (which bounds their count).
    ///
    /// Accepted: RFC 8259 whitespace between tokens; the members of ``ActivityMember`` in
    /// any order, each at most once, the required ones present; `type` exactly
    /// `"activity"`; integers `0|[1-9][0-9]*` of at most 18 digits within the limits;
    /// `session` a canonical UUID; `id` and `language` printable ASCII without escapes
    /// (or `null`); booleans `true`/`false`/`null`. Everything else declines.
    static func read(
        _ payload: UnsafeRawBufferPointer, limits: InboundLimits, nowMs: Int64,
        intervals: UnsafeMutableBufferPointer<Int32>
    ) throws(ActivityFastPathDeclined) -> ActivityFastFields {
        var reader = try ActivityFastReader(payload)
        var fields = ActivityFastFields()
        let (latest, overflow) = nowMs.addingReportingOverflow(limits.maximumFutureMs)
        let latestAtMs = overflow ? Int64.max : latest
        let count = limits.maximumCount
        var guess: ActivityMember? = .type
        repeat {
            let member = try reader.memberName(guess: guess)
            guard fields.members & member.bit == 0 else { throw .notTaken }  // a duplicate: bad_json
            fields.members |= member.bit
            guess = ActivityMember(rawValue: member.rawValue &+ 1)
            reader.skipWhitespace()
            try reader.expect(UInt8(ascii: ":"))
            reader.skipWhitespace()
            switch member {
            case .type: try reader.expectActivity()
            case .id: fields.id = try reader.plainStringOrNull(maximumBytes: RequestID.maximumBytes)
            case .session: fields.session = try reader.sessionID()
            case .seq: fields.seq = try reader.integer(in: 1, limits.maximumSeq)
            case .atMs: fields.atMs = try reader.integer(in: limits.earliestAtMs, latestAtMs)
            case .windowMs: fields.windowMs = try reader.integer(in: 1, limits.maximumWindowMs)
            case .keystrokes: fields.keystrokes = try reader.integer(in: 0, count)
            case .keystrokeIntervals:
                fields.intervalCount = try reader.intervals(into: intervals, maximumMs: Int64(limits.maximumIntervalMs))
            case .contextSwitches: fields.contextSwitches = try reader.integer(in: 0, count)
            case .errorEvents: fields.errorEvents = try reader.integer(in: 0, count)
            case .focusMs: fields.focusMs = try reader.integer(in: 0, limits.maximumFocusMs)
            case .filesModified: fields.filesModified = try reader.integer(in: 0, count)
            case .linesAdded: fields.linesAdded = try reader.integer(in: 0, count)
            case .linesDeleted: fields.linesDeleted = try reader.integer(in: 0, count)
            case .language:
                // Empty counts as absent, as in the general path.
                let language = try reader.plainStringOrNull(maximumBytes: limits.maximumLanguageBytes)
                fields.language = language?.count == 0 ? nil : language
            case .fileSaved: fields.fileSaved = try reader.optionalBool() ?? false
            case .commit: fields.commit = try reader.optionalBool() ?? false
            }
        } while try reader.nextMember()
        guard fields.members & ActivityMember.requiredMask == ActivityMember.requiredMask else { throw .notTaken }
        return fields
    }

    /// Finds the closing `}` and the opening `{`.
    init(_ payload: UnsafeRawBufferPointer) throws(ActivityFastPathDeclined) {
        guard let base = payload.baseAddress, payload.count >= 2 else { throw .notTaken }
        p = base.assumingMemoryBound(to: UInt8.self)
        var last = payload.count - 1
        while last > 0 && Self.isWhitespace(p[last]) { last -= 1 }
        guard p[last] == UInt8(ascii: "}") else { throw .notTaken }
        end = last
        skipWhitespace()
        guard i < end, p[i] == UInt8(ascii: "{") else { throw .notTaken }
        i &+= 1
        skipWhitespace()
    }

    // MARK: Tokens

    /// RFC 8259 §2: `ws = *( %x20 / %x09 / %x0A / %x0D )`.
    @inline(__always)
    static func isWhitespace(_ c: UInt8) -> Bool {
        c <= 0x20 && (c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09)
    }

    /// Skips whitespace; stops at the closing `}` at the latest.
    @inline(__always)
    mutating func skipWhitespace() {
        while Self.isWhitespace(p[i]) { i &+= 1 }
    }

    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(ActivityFastPathDeclined) {
        guard p[i] == byte else { throw .notTaken }
        i &+= 1
    }

    /// After a member's value: `true` past a `,` (another member follows), `false` at the
    /// closing `}`. A `}` before the last one (trailing data) declines.
    @inline(__always)
    mutating func nextMember() throws(ActivityFastPathDeclined) -> Bool {
        skipWhitespace()
        if p[i] == UInt8(ascii: ",") {
            i &+= 1
            skipWhitespace()
            return true
        }
        guard i == end else { throw .notTaken }
        return false
    }

    /// A member name at `p[i]` (its opening quote), trying `guess` (the member after the
    /// previous one in PROTOCOL.md's order) first. Leaves `i` after the closing quote.
    @inline(__always)
    mutating func memberName(guess: ActivityMember?) throws(ActivityFastPathDeclined) -> ActivityMember {
        try expect(UInt8(ascii: "\""))
        if let guess, match(guess) { return guess }
        return try memberNameOutOfOrder()
    }

    /// Another order, or an optional member left out before this one: the name's first
    /// byte leaves at most three candidates (clients order members as they like; the
    /// JavaScript client sends the counts before the intervals).
    @inline(never)
    mutating func memberNameOutOfOrder() throws(ActivityFastPathDeclined) -> ActivityMember {
        let candidates: (ActivityMember, ActivityMember?, ActivityMember?)
        switch p[i] {  // i ≤ end: the closing `}` at the latest
        case UInt8(ascii: "t"): candidates = (.type, nil, nil)
        case UInt8(ascii: "i"): candidates = (.id, nil, nil)
        case UInt8(ascii: "s"): candidates = (.session, .seq, nil)
        case UInt8(ascii: "a"): candidates = (.atMs, nil, nil)
        case UInt8(ascii: "w"): candidates = (.windowMs, nil, nil)
        case UInt8(ascii: "k"): candidates = (.keystrokes, .keystrokeIntervals, nil)
        case UInt8(ascii: "c"): candidates = (.contextSwitches, .commit, nil)
        case UInt8(ascii: "e"): candidates = (.errorEvents, nil, nil)
        case UInt8(ascii: "f"): candidates = (.focusMs, .filesModified, .fileSaved)
        case UInt8(ascii: "l"): candidates = (.linesAdded, .linesDeleted, .language)
        default: throw .notTaken  // unknown, escaped or non-ASCII: the general path decides
        }
        if match(candidates.0) { return candidates.0 }
        if let second = candidates.1, match(second) { return second }
        if let third = candidates.2, match(third) { return third }
        throw .notTaken
    }

    /// True, past the closing quote, when the name at `i` is `member`'s. Each case passes a
    /// literal, so the comparison is a few word loads of known length.
    @inline(__always)
    mutating func match(_ member: ActivityMember) -> Bool {
        switch member {
        case .type: matchName("type")
        case .id: matchName("id")
        case .session: matchName("session")
        case .seq: matchName("seq")
        case .atMs: matchName("at_ms")
        case .windowMs: matchName("window_ms")
        case .keystrokes: matchName("keystrokes")
        case .keystrokeIntervals: matchName("keystroke_intervals")
        case .contextSwitches: matchName("context_switches")
        case .errorEvents: matchName("error_events")
        case .focusMs: matchName("focus_ms")
        case .filesModified: matchName("files_modified")
        case .linesAdded: matchName("lines_added")
        case .linesDeleted: matchName("lines_deleted")
        case .language: matchName("language")
        case .fileSaved: matchName("file_saved")
        case .commit: matchName("commit")
        }
    }

    /// True, past the closing quote, when the name at `i` is exactly `name` (no escapes:
    /// a `\` never equals a byte of a known name).
    @inline(__always)
    mutating func matchName(_ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard i &+ count < end, p[i &+ count] == UInt8(ascii: "\""),
              Self.bytesEqual(p + i, name.utf8Start, count) else { return false }
        i &+= count &+ 1
        return true
    }

    /// `a[0..<count] == b[0..<count]`, eight or four bytes at a time; the last load
    /// overlaps the one before it instead of reading past `count`.
    @inline(__always)
    static func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let x = UnsafeRawPointer(a)
        let y = UnsafeRawPointer(b)
        if count >= 8 {
            var k = 0
            while k &+ 8 < count {
                guard x.loadUnaligned(fromByteOffset: k, as: UInt64.self) == y.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                else { return false }
                k &+= 8
            }
            let last = count &- 8
            return x.loadUnaligned(fromByteOffset: last, as: UInt64.self) == y.loadUnaligned(fromByteOffset: last, as: UInt64.self)
        }
        if count >= 4 {
            let last = count &- 4
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: last, as: UInt32.self) == y.loadUnaligned(fromByteOffset: last, as: UInt32.self)
        }
        for k in 0..<count where a[k] != b[k] { return false }
        return true
    }

    /// `"activity"`, unescaped.
    @inline(__always)
    mutating func expectActivity() throws(ActivityFastPathDeclined) {
        let literal: StaticString = "\"activity\""
        let count = literal.utf8CodeUnitCount
        guard i + count <= end else { throw .notTaken }
        let bytes = literal.utf8Start
        for k in 0..<count where p[i + k] != bytes[k] { throw .notTaken }
        i &+= count
    }

    /// `null` (→ `nil`) or a string of printable ASCII (U+0020–U+007E) without escapes,
    /// at most `maximumBytes` long.
    @inline(__always)
    mutating func plainStringOrNull(maximumBytes: Int) throws(ActivityFastPathDeclined) -> (start: Int, count: Int)? {
        if p[i] == UInt8(ascii: "n") {
            try expectNull()
            return nil
        }
        try expect(UInt8(ascii: "\""))
        let start = i
        while true {
            guard i < end else { throw .notTaken }
            let c = p[i]
            if c == UInt8(ascii: "\"") { break }
            guard c >= 0x20 && c < 0x7F && c != UInt8(ascii: "\\") else { throw .notTaken }
            i &+= 1
        }
        let count = i - start
        guard count <= maximumBytes else { throw .notTaken }
        i &+= 1
        return (start, count)
    }

    /// A canonical UUID string.
    @inline(__always)
    mutating func sessionID() throws(ActivityFastPathDeclined) -> SessionID {
        let length = SessionID.textLength
        guard p[i] == UInt8(ascii: "\""), i + length + 1 < end, p[i + length + 1] == UInt8(ascii: "\""),
              let id = SessionID(utf8: UnsafeRawBufferPointer(start: p + i + 1, count: length)) else {
            throw .notTaken
        }
        i &+= length + 2
        return id
    }

    /// `true`, `false` or `null` (→ `nil`).
    @inline(__always)
    mutating func optionalBool() throws(ActivityFastPathDeclined) -> Bool? {
        switch p[i] {
        case UInt8(ascii: "t"):
            guard i + 4 <= end, p[i + 1] == UInt8(ascii: "r"), p[i + 2] == UInt8(ascii: "u"),
                  p[i + 3] == UInt8(ascii: "e") else { throw .notTaken }
            i &+= 4
            return true
        case UInt8(ascii: "f"):
            guard i + 5 <= end, p[i + 1] == UInt8(ascii: "a"), p[i + 2] == UInt8(ascii: "l"),
                  p[i + 3] == UInt8(ascii: "s"), p[i + 4] == UInt8(ascii: "e") else { throw .notTaken }
            i &+= 5
            return false
        case UInt8(ascii: "n"):
            try expectNull()
            return nil
        default:
            throw .notTaken
        }
    }

    @inline(__always)
    mutating func expectNull() throws(ActivityFastPathDeclined) {
        guard i + 4 <= end, p[i] == UInt8(ascii: "n"), p[i + 1] == UInt8(ascii: "u"),
              p[i + 2] == UInt8(ascii: "l"), p[i + 3] == UInt8(ascii: "l") else { throw .notTaken }
        i &+= 4
    }
}
