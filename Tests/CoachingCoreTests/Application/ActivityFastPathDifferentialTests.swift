import FlowEngine
@testable import CoachingCore
import Testing

/// Generated and mutated `activity` messages through both paths: whenever the fast path
/// takes one, the general path accepts it too with the same session, id and window.
struct ActivityFastPathDifferentialTests {
    typealias F = ApplicationFixtures

    /// A random value for `name`: usually valid, sometimes at or past a limit, sometimes of
    /// another JSON shape.
    static func value(for name: String, _ g: inout CodecTestRandom) -> String {
        let limits = InboundLimits()
        let roll = g.next() % 20
        if g.next() % 60 == 0 {
            let odd = ["null", "true", "\"x\"", "-1", "0", "1.5", "1e2", "01", "-0", "[]", "{}", "\"\"",
                       "18446744073709551616", "\(Int64.max)"]
            return odd[Int(g.next() % UInt64(odd.count))]
        }
        func near(_ bound: Int64) -> String { "\(bound - 1 + Int64(g.next() % 3))" }
        switch name {
        case "type": return roll == 1 ? "\"ping\"" : "\"activity\""
        case "id", "language":
            let alphabet = Array("abcXYZ09-_ .:/+#~".utf8) + (roll == 2 ? [0xC3, 0xA9, 0x5C, 0x22, 0x7F, 0x01] : [])
            let length = roll == 3 ? 62 + Int(g.next() % 5) : Int(g.next() % 12)
            let bytes = (0..<length).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] }
            return "\"" + String(decoding: bytes, as: UTF8.self) + "\""
        case "session":
            let hex = Array("0123456789abcdefABCDEF".utf8)
            var bytes = (0..<36).map { _ in hex[Int(g.next() % UInt64(hex.count))] }
            for dash in [8, 13, 18, 23] where roll != 4 { bytes[dash] = UInt8(ascii: "-") }
            return "\"" + String(decoding: bytes, as: UTF8.self) + "\""
        case "seq": return roll == 5 ? near(limits.maximumSeq) : "\(g.next() % 1_000_000)"
        case "at_ms":
            return roll == 6 ? near(limits.earliestAtMs) : roll == 7 ? near(F.nowMs + limits.maximumFutureMs)
                : "\(F.nowMs - Int64(g.next() % 10_000_000))"
        case "window_ms", "focus_ms": return roll == 8 ? near(limits.maximumWindowMs) : "\(g.next() % 60_000)"
        case "keystroke_intervals":
            let count = roll == 9 ? 511 + Int(g.next() % 3) : Int(g.next() % 80)
            let values = (0..<count).map { _ in
                g.next() % 500 == 0 ? near(Int64(limits.maximumIntervalMs)) : "\(g.next() % 2_000)"
            }
            return "[" + values.joined(separator: g.next() % 8 == 0 ? " , " : ",") + "]"
        case "file_saved", "commit": return ["true", "false", "null"][Int(g.next() % 3)]
        default: return roll == 10 ? near(limits.maximumCount) : "\(g.next() % 1_000)"
        }
    }

    /// A random `activity`: members in PROTOCOL.md's order (sometimes shuffled), optional
    /// ones present or not, now and then a member left out, repeated or unknown, and random
    /// whitespace.
    static func message(_ g: inout CodecTestRandom) -> String {
        var members: [(String, String)] = []
        for (name, _) in ActivityFastPathTests.members {
            let optional = ["id", "language", "file_saved", "commit"].contains(name)
            if optional && g.next() % 2 == 0 { continue }
            if g.next() % 100 == 0 { continue }  // a required member missing
            members.append((name, value(for: name, &g)))
        }
        if g.next() % 10 == 0 { members.shuffle(using: &g) }
        if g.next() % 30 == 0, let repeated = members.randomElement(using: &g) { members.append(repeated) }
        if g.next() % 30 == 0 { members.insert(("project", "\"p\""), at: Int(g.next() % UInt64(members.count + 1))) }
        let spaces = ["", "", "", " ", "\n", "\t ", "\r\n"]
        func ws() -> String { g.next() % 4 == 0 ? spaces[Int(g.next() % UInt64(spaces.count))] : "" }
        return ws() + "{" + ws() + members.map { "\"\($0.0)\"" + ws() + ":" + ws() + $0.1 }
            .joined(separator: ws() + "," + ws()) + ws() + "}" + ws()
    }

    @Test("40,000 generated and mutated activities: when the fast path takes one, the general path gives the same result")
    func differential() {
        var g = CodecTestRandom(seed: 0xFA57_AC71)
        var oracle = ActivityFastPathOracle()
        var taken = 0
        var takenMutated = 0
        var acceptedDeclined = 0
        var failures = 0
        for round in 0..<40_000 {
            let mutated = round % 3 == 2
            let text = Self.message(&g)
            let bytes = mutated ? InboundDecoderRobustnessTests.mutate(text, &g) : Array(text.utf8)
            let (outcome, combined) = oracle.compare(bytes)
            if let disagreement = outcome.disagreement, failures < 5 {
                failures += 1
                Issue.record("\(disagreement) for \(String(decoding: bytes, as: UTF8.self))")
            }
            if combined != outcome.general, failures < 5 {
                failures += 1
                Issue.record("decode differs from the general path for \(String(decoding: bytes, as: UTF8.self))")
            }
            if outcome.taken {
                taken += 1
                if mutated { takenMutated += 1 }
            } else if outcome.general.message != nil {
                acceptedDeclined += 1
            }
        }
        // The generator must reach both sides of the fast path's boundary, or the test
        // compares nothing.
        #expect(taken > 8_000, "taken \(taken)")
        #expect(takenMutated > 100, "taken after mutation \(takenMutated)")
        print("ActivityFastPath differential: \(taken) taken (\(takenMutated) after a mutation), \(acceptedDeclined) accepted by the general path only")
        #expect(acceptedDeclined > 1_000, "accepted by the general path only \(acceptedDeclined)")
    }
}
