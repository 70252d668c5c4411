import Foundation
import FlowEngine
@testable import CoachingCore
import Testing
import WireJSON

/// The `activity` fast path takes the shapes clients send and declines everything else,
/// and whenever it takes a message its result is the general path's, window included.
struct ActivityFastPathTests {
    typealias F = ApplicationFixtures

    /// The fixture's members as (name, raw JSON value), in PROTOCOL.md's order, with the
    /// optional ones.
    static var members: [(String, String)] {
        [
            ("type", "\"activity\""), ("id", "\"req-7\""), ("session", "\"\(F.session)\""), ("seq", "7"),
            ("at_ms", "\(F.atMs)"), ("window_ms", "10000"), ("keystrokes", "64"),
            ("keystroke_intervals", F.intervals64), ("context_switches", "1"), ("error_events", "2"),
            ("focus_ms", "9000"), ("files_modified", "1"), ("lines_added", "12"), ("lines_deleted", "3"),
            ("language", "\"swift\""), ("file_saved", "true"), ("commit", "false"),
        ]
    }

    /// The object of `members`, joined with `separator` after each `,` and `colon` for `:`.
    static func object(_ members: [(String, String)], colon: String = ":", separator: String = "") -> String {
        "{" + members.map { "\"\($0.0)\"\(colon)\($0.1)" }.joined(separator: "," + separator) + "}"
    }

    /// The fixture with `name` set to `value` (raw JSON), or removed when `value` is nil.
    static func with(_ name: String, _ value: String?) -> String {
        var list = members
        if let index = list.firstIndex(where: { $0.0 == name }) {
            if let value { list[index].1 = value } else { list.remove(at: index) }
        }
        return object(list)
    }

    @Test("the clients' messages are taken: fixtures, benchmark, allocation check, soak, Python and JavaScript shapes")
    func fixtures() {
        var oracle = ActivityFastPathOracle()
        oracle.check(F.activity, taken: true)
        oracle.check(Self.object(Self.members), taken: true)
        // Benchmarks' ActivityFixture (RoundTripCount): at its own server time.
        let benchIntervals = (0..<64).map { String(120 + ($0 * 37) % 60) }.joined(separator: ",")
        let bench = #"{"type":"activity","session":"6f1c2a3e-8d4b-4f7a-9b2e-1c0d5e6f7a8b","seq":1000000000,"#
            + #""at_ms":1795317210000,"window_ms":10000,"keystrokes":65,"#
            + #""keystroke_intervals":[\#(benchIntervals)],"context_switches":0,"error_events":0,"#
            + #""focus_ms":10000,"files_modified":1,"lines_added":4,"lines_deleted":1,"#
            + #""language":"swift","file_saved":true,"commit":false}"#
        let result = oracle.check(bench, taken: true, nowMs: 1_795_317_210_000)
        #expect(result.message == .activity(session: SessionID("6f1c2a3e-8d4b-4f7a-9b2e-1c0d5e6f7a8b")!))
        // Tests/AllocationCheck: id first, no flags.
        oracle.check(#"{"type":"activity","id":"a3","session":"\#(F.session)","seq":3,"at_ms":\#(F.atMs),"#
            + #""window_ms":4000,"keystrokes":64,"keystroke_intervals":\#(F.intervals64),"context_switches":0,"#
            + #""error_events":0,"focus_ms":4000,"files_modified":1,"lines_added":3,"lines_deleted":1,"language":"swift"}"#,
            taken: true)
        // The soak client: no language, file_saved only when true.
        oracle.check(Self.object(Self.members.filter { !["id", "language", "commit"].contains($0.0) }), taken: true)
        // Python's json.dumps: ", " and ": ".
        oracle.check(Self.object(Self.members, colon: ": ", separator: " "), taken: true)
        // The JavaScript client: type, id, session, then the window in its own order.
        let order = ["type", "id", "session", "seq", "at_ms", "window_ms", "keystrokes", "context_switches",
                     "error_events", "focus_ms", "files_modified", "lines_added", "lines_deleted",
                     "keystroke_intervals", "language", "file_saved", "commit"]
        let javascript = order.compactMap { name in Self.members.first { $0.0 == name } }
        oracle.check(Self.object(javascript), taken: true)
    }

    @Test("each optional member absent, null or present gives the general path's window")
    func optionalMembers() {
        var oracle = ActivityFastPathOracle()
        for name in ["id", "language", "file_saved", "commit"] {
            oracle.check(Self.with(name, nil), taken: true)
            oracle.check(Self.with(name, "null"), taken: true)
        }
        for value in ["true", "false"] {
            oracle.check(Self.with("file_saved", value), taken: true)
            oracle.check(Self.with("commit", value), taken: true)
        }
        oracle.check(Self.with("language", "\"\""), taken: true)  // empty: absent
        oracle.check(Self.with("id", "\"\""), taken: true)
        oracle.check(Self.with("keystroke_intervals", "[]"), taken: true)
        oracle.check(Self.with("keystroke_intervals", "[0]"), taken: true)
        // Every required member missing: declined, the general path names it.
        for (name, _) in Self.members where !["id", "language", "file_saved", "commit"].contains(name) {
            let result = oracle.check(Self.with(name, nil), taken: false)
            #expect(result.error?.code == .invalidField, "\(name): \(result)")
        }
    }

    @Test("RFC 8259 whitespace between any tokens is taken; other bytes there are not")
    func whitespace() {
        var oracle = ActivityFastPathOracle()
        for ws in [" ", "\t", "\n", "\r\n", "  \t \n"] {
            let spaced = " " + Self.object(Self.members, colon: ws + ":" + ws, separator: ws) + ws
            oracle.check(ws + spaced.replacingOccurrences(of: "{", with: "{" + ws).replacingOccurrences(of: "}", with: ws + "}"),
                         taken: true)
            oracle.check(Self.with("keystroke_intervals", "[" + ws + "1" + ws + "," + ws + "2" + ws + "]"), taken: true)
            oracle.check(Self.with("keystroke_intervals", "[" + ws + "]"), taken: true)
        }
        // Not JSON whitespace: vertical tab, form feed, NBSP, NUL.
        for bad in ["\u{0B}", "\u{0C}", "\u{A0}", "\u{0}"] {
            oracle.check(Self.with("seq", bad + "7"), taken: false)
            oracle.check(Self.object(Self.members) + bad, taken: false)
        }
    }

    @Test("every limit is taken at its value and declined one past it, where the general path's error stays")
    func limits() {
        var oracle = ActivityFastPathOracle()
        let limits = InboundLimits()
        let latest = F.nowMs + limits.maximumFutureMs
        let cases: [(String, String, String)] = [  // member, value at the limit, one past it
            ("seq", "1", "0"), ("seq", "\(limits.maximumSeq)", "\(limits.maximumSeq + 1)"),
            ("at_ms", "\(limits.earliestAtMs)", "\(limits.earliestAtMs - 1)"), ("at_ms", "\(latest)", "\(latest + 1)"),
            ("window_ms", "1", "0"), ("window_ms", "\(limits.maximumWindowMs)", "\(limits.maximumWindowMs + 1)"),
            ("focus_ms", "\(limits.maximumFocusMs)", "\(limits.maximumFocusMs + 1)"),
            ("keystroke_intervals", "[\(limits.maximumIntervalMs)]", "[\(limits.maximumIntervalMs + 1)]"),
            ("keystroke_intervals", "[1,\(limits.maximumIntervalMs)]", "[1,\(limits.maximumIntervalMs + 1)]"),
            ("language", "\"\(String(repeating: "x", count: limits.maximumLanguageBytes))\"",
             "\"\(String(repeating: "x", count: limits.maximumLanguageBytes + 1))\""),
            ("id", "\"\(String(repeating: "i", count: RequestID.maximumBytes))\"",
             "\"\(String(repeating: "i", count: RequestID.maximumBytes + 1))\""),
        ] + ["keystrokes", "context_switches", "error_events", "files_modified", "lines_added", "lines_deleted"].map {
            ($0, "\(limits.maximumCount)", "\(limits.maximumCount + 1)")
        } + ["keystrokes", "context_switches", "error_events", "files_modified", "lines_added", "lines_deleted",
             "focus_ms"].map { ($0, "0", "-1") }
        for (name, atLimit, past) in cases {
            oracle.check(Self.with(name, atLimit), taken: true)
            let result = oracle.check(Self.with(name, past), taken: false)
            #expect(result.error?.code == .invalidField, "\(name) \(past): \(result)")
        }
        // 512 intervals are taken; 513 are declined and too_large.
        let maximum = "[" + Array(repeating: "150", count: limits.maximumIntervals).joined(separator: ",") + "]"
        oracle.check(Self.with("keystroke_intervals", maximum), taken: true)
        let tooMany = "[" + Array(repeating: "150", count: limits.maximumIntervals + 1).joined(separator: ",") + "]"
        #expect(oracle.check(Self.with("keystroke_intervals", tooMany), taken: false).error?.code == .tooLarge)
        // A server clock near Int64.max: at_ms has no upper bound (the general path's overflow rule).
        oracle.check(Self.with("at_ms", "\(Int64.max / 10)"), taken: true, nowMs: .max - 1)
    }

    @Test("numbers that are not plain non-negative integers are declined: -0, 01, fractions, exponents, 19+ digits")
    func numbers() {
        var oracle = ActivityFastPathOracle()
        for value in ["-0", "-7", "07", "00", "7.0", "7e0", "7E0", "0.0", "1e400", "7.", "+7", "\"7\"", "null", "true",
                      "[7]", "{}", "99999999999999999999", "1000000000000000000", "0x7", "7a"] {
            oracle.check(Self.with("seq", value), taken: false)
            oracle.check(Self.with("keystrokes", value), taken: false)
            oracle.check(Self.with("keystroke_intervals", "[1,\(value)]"), taken: false)
        }
        // 18 digits are read exactly (and at_ms far ahead is then out of range).
        oracle.check(Self.with("at_ms", "100000000000000000"), taken: false)
        // Leading zeros in an interval, and in a value that is then followed by a comma.
        oracle.check(Self.with("keystroke_intervals", "[012]"), taken: false)
        oracle.check(Self.with("lines_added", "012"), taken: false)
        oracle.check(Self.with("keystroke_intervals", "[0,0,0]"), taken: true)
        // Three digits and a comma are read as one word: every such element, a leading zero
        // in that position, and the neighbours (two digits, four digits, spaces, the end).
        for range in [100...599, 600...999] {  // within the 512 intervals of a window
            let threes = range.map(String.init).joined(separator: ",")
            oracle.check(Self.with("keystroke_intervals", "[\(threes)]"), taken: true)
        }
        for value in ["099", "000", "009", "0,1"] {
            oracle.check(Self.with("keystroke_intervals", "[\(value),100]"), taken: value == "0,1")
        }
        for array in ["[99,100,1000,100 ,100, 100,100\t,7]", "[100]", "[100,100]", "[12,345,6789,1]"] {
            oracle.check(Self.with("keystroke_intervals", array), taken: true)
        }
        var tight = InboundLimits()
        tight.maximumIntervalMs = 150
        var tightFast = InboundDecoder(limits: tight)
        var tightGeneral = InboundDecoder(limits: tight)
        for (array, taken) in [("[150,150]", true), ("[150,151,1]", false), ("[151,1]", false), ("[1,151]", false)] {
            let bytes = Array(Self.with("keystroke_intervals", array).utf8)
            let fastResult = bytes.withUnsafeBytes { tightFast.decodeActivityFastPath($0, nowMs: F.nowMs) }
            let generalResult = bytes.withUnsafeBytes { tightGeneral.decodeWithoutFastPath($0, nowMs: F.nowMs) }
            #expect((fastResult != nil) == taken, "\(array)")
            if let fastResult {
                #expect(fastResult == generalResult)
                #expect(tightFast.window.keystrokeIntervals == tightGeneral.window.keystrokeIntervals)
            }
            else { #expect(generalResult.error?.code == .invalidField, "\(array): \(generalResult)") }
        }
        // Every length of digits (the unrolled short forms and the loop), followed by more
        // members and as the last one before `}`: same values as the general path.
        var limits = InboundLimits()
        limits.maximumCount = .max
        var fast = InboundDecoder(limits: limits)
        var general = InboundDecoder(limits: limits)
        for length in 1...20 {
            for digits in [String(repeating: "9", count: length), "1" + String(repeating: "0", count: length - 1),
                           String("1234567890123456789012".prefix(length)), String(repeating: "0", count: length)] {
                let last = Self.members.filter { !["language", "file_saved", "commit"].contains($0.0) }
                for json in [Self.with("lines_added", digits), Self.object(last.map { $0.0 == "lines_deleted" ? ($0.0, digits) : $0 })] {
                    let bytes = Array(json.utf8)
                    let fastResult = bytes.withUnsafeBytes { fast.decodeActivityFastPath($0, nowMs: F.nowMs) }
                    let generalResult = bytes.withUnsafeBytes { general.decodeWithoutFastPath($0, nowMs: F.nowMs) }
                    let expectTaken = length <= 18 && (length == 1 || digits.first != "0")
                    #expect((fastResult != nil) == expectTaken, "\(digits)")
                    if let fastResult {
                        #expect(fastResult == generalResult, "\(digits)")
                        #expect(fast.window.linesAdded == general.window.linesAdded, "\(digits)")
                        #expect(fast.window.linesDeleted == general.window.linesDeleted, "\(digits)")
                    }
                }
            }
        }
    }

    /// Every four bytes (first byte first) with the byte at each of `positions` through all
    /// 256 values and the other three from `others`: the word tests' inputs.
    static func fourByteWords(oneByteThroughAllValues positions: Range<Int>, othersFrom others: [UInt8]) -> [[UInt8]] {
        var words: [[UInt8]] = []
        for position in positions {
            for varied in 0...255 {
                for a in others {
                    for b in others {
                        for c in others {
                            var bytes = [a, b, c]
                            bytes.insert(UInt8(varied), at: position)
                            words.append(bytes)
                        }
                    }
                }
            }
        }
        return words
    }

    /// Four bytes as the word a little-endian load reads (the first byte lowest).
    static func word(_ bytes: [UInt8]) -> UInt32 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    @Test("the 4-byte word test accepts exactly three digits without a leading zero and a comma")
    func threeDigitsAndComma() {
        // Each byte through all 256 values, the other three from bytes near the boundaries
        // (a C program checked all 2^32 words once; this keeps the property in the suite).
        let others: [UInt8] = [0x00, 0x20, 0x2C, 0x2F, 0x30, 0x31, 0x39, 0x3A, 0x80, 0xFF]
        var accepted = 0
        var mismatches: [[UInt8]] = []
        for bytes in Self.fourByteWords(oneByteThroughAllValues: 0..<4, othersFrom: others) {
            let word = Self.word(bytes)
            let expected: UInt32? = (0x31...0x39).contains(bytes[0]) && (0x30...0x39).contains(bytes[1])
                && (0x30...0x39).contains(bytes[2]) && bytes[3] == 0x2C
                ? UInt32(bytes[0] - 0x30) * 100 + UInt32(bytes[1] - 0x30) * 10 + UInt32(bytes[2] - 0x30) : nil
            if ActivityFastReader.threeDigitsAndComma(word) != expected { mismatches.append(bytes) }
            if expected != nil { accepted += 1 }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(accepted > 0)
    }

    @Test("the 8-byte word test accepts exactly two elements the 4-byte test accepts")
    func twoThreeDigitsAndCommas() {
        // One byte through all 256 values, the rest of its half from bytes near the
        // boundaries, the other half from accepted and nearly accepted words: a borrow or
        // carry out of either half must not change the verdict on the other.
        let others: [UInt8] = [0x00, 0x2C, 0x2F, 0x30, 0x39, 0x3A]
        let halves: [UInt32] = ["100,", "999,", "507,", "099,", "99,1", "1000", "9:9,", "10/,", "  1,", "12,3"].map {
            Self.word(Array($0.utf8))
        }
        var accepted = 0
        var mismatches: [UInt64] = []
        for upper in [false, true] {
            for bytes in Self.fourByteWords(oneByteThroughAllValues: 0..<4, othersFrom: others) {
                let half = Self.word(bytes)
                for other in halves {
                    let (low, high) = upper ? (other, half) : (half, other)
                    let word = UInt64(low) | UInt64(high) << 32
                    let expected = ActivityFastReader.threeDigitsAndComma(low).flatMap { first in
                        ActivityFastReader.threeDigitsAndComma(high).map { (first, $0) }
                    }
                    let result = ActivityFastReader.twoThreeDigitsAndCommas(word)
                    if result?.0 != expected?.0 || result?.1 != expected?.1 { mismatches.append(word) }
                    if expected != nil { accepted += 1 }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5).map { String($0, radix: 16) })")
        #expect(accepted > 0)
    }

    @Test("escapes, non-ASCII text and control characters are declined; the general path decides")
    func strings() {
        var oracle = ActivityFastPathOracle()
        let escapedType = oracle.check(Self.with("type", #""activit\u0079""#), taken: false)
        #expect(escapedType.message == .activity(session: SessionID(F.session)!))  // still an activity
        oracle.check(Self.with("session", "\"" + F.session.replacingOccurrences(of: "1", with: "\\u0031") + "\""), taken: false)
        oracle.check(Self.with("session", "\"" + F.session.uppercased() + "\""), taken: true)  // either case
        oracle.check(Self.with("session", "\"" + F.session.dropLast() + "\""), taken: false)
        oracle.check(Self.with("session", "\"{" + F.session + "}\""), taken: false)
        for language in [#""sw\u0069ft""#, #""sw\"ift""#, "\"caf\u{e9}\"", "\"\u{1F600}\"", "\"a\u{7F}b\"",
                         #""a\u0001b""#, "\"a\u{1}b\"", "7", "[]"] {
            oracle.check(Self.with("language", language), taken: false)
        }
        for id in [#""r\u0065q""#, "\"r\u{e9}q\"", "\"a\u{7F}\"", "7", "true", "{}"] {
            oracle.check(Self.with("id", id), taken: false)
        }
        // A member name with an escape is the same member to the general path.
        oracle.check(Self.object(Self.members).replacingOccurrences(of: "\"lines_added\"", with: #""lines\u005fadded""#),
                     taken: false)
        // Invalid UTF-8 anywhere.
        var bytes = Array(Self.object(Self.members).utf8)
        bytes.insert(0xFF, at: bytes.count - 1)
        oracle.check(bytes, taken: false)
        bytes = Array(Self.with("language", "\"swift\"").utf8)
        if let index = bytes.firstIndex(of: UInt8(ascii: "w")) { bytes[index] = 0xC3 }
        oracle.check(bytes, taken: false)
    }

    @Test("reordered members are taken; duplicate, unknown or extra members and other types are declined")
    func members() {
        var oracle = ActivityFastPathOracle()
        oracle.check(Self.object(Self.members.reversed()), taken: true)
        var generator = CodecTestRandom(seed: 17)
        for _ in 0..<50 { oracle.check(Self.object(Self.members.shuffled(using: &generator)), taken: true) }
        for (name, value) in Self.members {
            let duplicate = oracle.check(Self.object(Self.members + [(name, value)]), taken: false)
            #expect(duplicate.error?.code == .badJSON, "\(name): \(duplicate)")
        }
        oracle.check(Self.object(Self.members + [("project", "\"x\"")]), taken: false)  // ignored by the general path
        oracle.check(Self.object([("extra", "{\"a\":[1,{}]}")] + Self.members), taken: false)
        oracle.check(Self.object(Self.members + [("Type", "1")]), taken: false)
        for type in ["\"ping\"", "\"Activity\"", "\"activity \"", "null", "1"] {
            oracle.check(Self.with("type", type), taken: false)
        }
    }

    @Test("anything but one object is declined: trailing data, trailing commas, truncation, other top-level values")
    func documents() {
        var oracle = ActivityFastPathOracle()
        let json = Self.object(Self.members)
        for text in [json + json, json + "}", json + ",", "[" + json + "]", json.replacingOccurrences(of: "}", with: ",}"),
                     "{,\"type\":\"activity\"}", "{}", "}", "{", "", " ", String(json.dropLast()),
                     json.replacingOccurrences(of: "\"seq\":7,", with: "\"seq\":7,,"),
                     json.replacingOccurrences(of: "[100,", with: "[100,,"),
                     json.replacingOccurrences(of: "163]", with: "163,]"),
                     json.replacingOccurrences(of: "\"seq\":", with: "\"seq\"")] {
            oracle.check(text, taken: false)
        }
        // Every prefix of the message (a truncated read) is declined and rejected.
        let bytes = Array(json.utf8)
        for length in 0..<bytes.count {
            let result = oracle.check(Array(bytes[0..<length]), taken: false)
            #expect(result.error?.code == .badJSON)
        }
    }

    @Test("the JSON limits of the general path hold on the fast path: payload size, value count, depth")
    func jsonLimits() {
        let json = Array(Self.object(Self.members).utf8)
        let tape = 1 + 2 * Self.members.count + 64
        for (limits, taken) in [(JSONLimits(maxDepth: 2, maxValues: tape, maxInputBytes: json.count), true),
                                (JSONLimits(maxDepth: 1, maxValues: tape, maxInputBytes: json.count), false),
                                (JSONLimits(maxDepth: 2, maxValues: tape - 1, maxInputBytes: json.count), false),
                                (JSONLimits(maxDepth: 2, maxValues: tape, maxInputBytes: json.count - 1), false)] {
            var fast = InboundDecoder(json: limits)
            var general = InboundDecoder(json: limits)
            let fastResult = json.withUnsafeBytes { fast.decodeActivityFastPath($0, nowMs: F.nowMs) }
            let generalResult = json.withUnsafeBytes { general.decodeWithoutFastPath($0, nowMs: F.nowMs) }
            #expect((fastResult != nil) == taken, "\(limits)")
            if let fastResult { #expect(fastResult == generalResult) } else { #expect(generalResult.error != nil) }
        }
    }
}
