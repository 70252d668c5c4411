import FlowEngine
@testable import CoachingCore
import Testing

/// Fuzz-style robustness with a seeded generator: random mutations of valid messages
/// never trap, and every outcome is a message within its limits or a documented error.
struct InboundDecoderRobustnessTests {
    typealias F = ApplicationFixtures

    /// The codes the decoder itself may return (the rest belong to the server).
    static let decoderCodes: Set<AppErrorCode> = [.badJSON, .unknownType, .invalidField, .tooLarge]

    /// Tokens that make mutations reach deep into the validation.
    static let tokens: [String] = [
        "-1", "0", "9223372036854775808", "1e3", "0.5", "null", "true", "\"\"", "[]", "{}", "\"x\"",
        "\\u0000", "\\ud800", "\u{e9}", ",", ":", "\"", "{", "}", "[", "]", "513", "3600001",
        "\"type\":\"activity\",", "\"id\":\"zz\",", String(repeating: "9", count: 30),
    ]

    /// Applies 1–4 random edits to `message`.
    static func mutate(_ message: String, _ generator: inout CodecTestRandom) -> [UInt8] {
        var bytes = Array(message.utf8)
        for _ in 0..<(1 + Int(generator.next() % 4)) {
            let position = bytes.isEmpty ? 0 : Int(generator.next() % UInt64(bytes.count))
            switch generator.next() % 6 {
            case 0 where !bytes.isEmpty:
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            case 1:
                let token = tokens[Int(generator.next() % UInt64(tokens.count))]
                bytes.insert(contentsOf: token.utf8, at: position)
            case 2 where !bytes.isEmpty:
                let length = Swift.min(bytes.count - position, 1 + Int(generator.next() % 12))
                bytes.removeSubrange(position..<(position + length))
            case 3 where !bytes.isEmpty:
                let length = Swift.min(bytes.count - position, 1 + Int(generator.next() % 40))
                bytes.insert(contentsOf: bytes[position..<(position + length)], at: position)
            case 4:
                // Replace a digit with a token (numbers are where most limits live).
                if let digit = bytes[position...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                    let token = tokens[Int(generator.next() % UInt64(tokens.count))]
                    bytes.replaceSubrange(digit...digit, with: token.utf8)
                }
            default:
                bytes.append(UInt8(truncatingIfNeeded: generator.next()))
            }
        }
        return bytes
    }

    @Test("20,000 seeded mutations of valid messages decode within limits or return a documented error")
    func mutations() {
        var generator = CodecTestRandom(seed: 0xF10C_0AC4)
        var decoder = InboundDecoder()
        let full = "[" + Array(repeating: "100", count: 512).joined(separator: ",") + "]"
        let bases = F.validMessages + [F.activity(setting: "keystroke_intervals", to: full)]
        var decoded = 0
        var rejected: [AppErrorCode: Int] = [:]
        for _ in 0..<20_000 {
            let base = bases[Int(generator.next() % UInt64(bases.count))]
            let bytes = Self.mutate(base, &generator)
            let result = bytes.withUnsafeBytes { decoder.decode($0, nowMs: F.nowMs) }
            switch result {
            case .message(let message, _):
                decoded += 1
                if case .activity = message { checkWindow(decoder.window, decoder.limits) }
            case .rejected(let error):
                rejected[error.code, default: 0] += 1
                #expect(Self.decoderCodes.contains(error.code), "\(error)")
                #expect(!error.message.isEmpty)
                if error.code == .invalidField { #expect(error.message.contains("\""), "\(error.message)") }
            }
        }
        // The mutations must exercise both outcomes and several codes, or they test nothing.
        #expect(decoded > 500)
        #expect(rejected.count == Self.decoderCodes.count, "\(rejected)")
    }

    /// The limits every accepted window satisfies.
    private func checkWindow(_ window: ActivityWindow, _ limits: InboundLimits) {
        let ok = window.seq >= 1 && window.windowMs >= 1 && window.windowMs <= limits.maximumWindowMs
            && window.atMs >= limits.earliestAtMs && window.atMs <= F.nowMs + limits.maximumFutureMs
            && window.keystrokeIntervals.count <= limits.maximumIntervals
            && window.keystrokeIntervals.allSatisfy { $0 >= 0 && $0 <= limits.maximumIntervalMs }
            && [window.keystrokes, window.contextSwitches, window.errorEvents, window.filesModified,
                window.linesAdded, window.linesDeleted].allSatisfy { $0 >= 0 && $0 <= limits.maximumCount }
            && window.focusMs >= 0 && (window.language?.utf8.count ?? 0) <= limits.maximumLanguageBytes
        #expect(ok, "window out of limits: \(window)")
    }

    @Test("random bytes never trap and are rejected as bad_json or too_large")
    func randomBytes() {
        var generator = CodecTestRandom(seed: 99)
        var decoder = InboundDecoder()
        for _ in 0..<5_000 {
            let count = Int(generator.next() % 64)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let result = bytes.withUnsafeBytes { decoder.decode($0, nowMs: F.nowMs) }
            let code = result.error?.code
            #expect(code == .badJSON || code == .tooLarge, "\(bytes)")
        }
    }
}
