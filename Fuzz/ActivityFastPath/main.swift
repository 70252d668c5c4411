// libFuzzer harness for the `activity` fast path of InboundDecoder (build and run:
// scripts/fuzz.sh ActivityFastPath).
//
// The contract, asserted on every input (STYLE.md: fuzz to a contract, not "no crash"):
// 1. The fast path declines, or it returns exactly what the general path alone
//    (`decodeWithoutFastPath`: WireJSON's parser, then the message decoders) returns for
//    the same bytes: an `activity` with the same session and id, and the same window
//    (every field, the intervals, the interned language).
// 2. The fast path never rejects: errors always come from the general path.
// Both checks run twice per input: with the default limits, and with tight ones (16
// intervals, 8-byte names, a 60-value tape, 700-byte payloads) so that inputs well under
// libFuzzer's 4 KiB reach every limit. And since most mutations of a whole message break
// it far from where the two paths could differ, each input is also checked as one member's
// value inside a valid `activity` (its first byte picks the member, the rest is the value's
// raw text): the boundary of every field, where disagreements would be, is then reached on
// a large share of inputs.
//
// The seed corpus is `activity` messages as the clients write them (compact, Python's
// spaced JSON, the JavaScript client's member order, with and without the optional members).

import CoachingCore
import FlowEngine
import WireJSON

/// Server time every input is decoded at: 2025-11-22T00:00:00Z (the seeds' at_ms are a
/// minute earlier).
let nowMs: Int64 = 1_763_769_600_000

/// A fast-path decoder and a general-path decoder with the same limits, both kept warm.
struct DecoderPair: ~Copyable {
    var fast: InboundDecoder
    var general: InboundDecoder

    /// `json` nil: the decoder's default JSON limits.
    init(limits: InboundLimits, json: JSONLimits? = nil) {
        fast = json.map { InboundDecoder(limits: limits, json: $0) } ?? InboundDecoder(limits: limits)
        general = json.map { InboundDecoder(limits: limits, json: $0) } ?? InboundDecoder(limits: limits)
    }

    /// Contract 1 and 2 for `input`; returns whether the fast path took it.
    mutating func check(_ input: UnsafeRawBufferPointer) -> Bool {
        let generalResult = general.decodeWithoutFastPath(input, nowMs: nowMs)
        guard let fastResult = fast.decodeActivityFastPath(input, nowMs: nowMs) else { return false }
        guard case .message(.activity, _) = fastResult else { fatalError("the fast path returned \(fastResult)") }
        guard fastResult == generalResult else {
            fatalError("fast path \(fastResult) but general path \(generalResult)")
        }
        guard sameWindow(fast.window, general.window) else {
            fatalError("windows differ: fast \(fast.window) general \(general.window)")
        }
        return true
    }
}

func sameWindow(_ a: ActivityWindow, _ b: ActivityWindow) -> Bool {
    a.seq == b.seq && a.atMs == b.atMs && a.windowMs == b.windowMs && a.keystrokes == b.keystrokes
        && a.keystrokeIntervals == b.keystrokeIntervals && a.contextSwitches == b.contextSwitches
        && a.errorEvents == b.errorEvents && a.focusMs == b.focusMs && a.filesModified == b.filesModified
        && a.linesAdded == b.linesAdded && a.linesDeleted == b.linesDeleted && a.language == b.language
        && a.fileSaved == b.fileSaved && a.commit == b.commit
}

/// The limits the server runs with.
nonisolated(unsafe) var defaults = DecoderPair(limits: InboundLimits())
/// Tight limits, reached by short inputs.
nonisolated(unsafe) var tight: DecoderPair = {
    var limits = InboundLimits()
    limits.maximumIntervals = 16
    limits.maximumLanguageBytes = 8
    return DecoderPair(limits: limits, json: JSONLimits(maxDepth: 2, maxValues: 60, maxInputBytes: 700))
}()
/// A valid `activity`, member by member (name, raw JSON value).
let template: [(name: String, value: String)] = [
    ("type", "\"activity\""), ("id", "\"req-7\""), ("session", "\"123e4567-e89b-12d3-a456-426614174000\""),
    ("seq", "7"), ("at_ms", "1763769540000"), ("window_ms", "10000"), ("keystrokes", "64"),
    ("keystroke_intervals", "[100,101,102,150,0,3600000]"), ("context_switches", "1"), ("error_events", "2"),
    ("focus_ms", "9000"), ("files_modified", "1"), ("lines_added", "12"), ("lines_deleted", "3"),
    ("language", "\"swift\""), ("file_saved", "true"), ("commit", "false"),
]

/// The template with the member picked by `input[0]` set to the rest of `input`.
func spliced(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
    guard let first = input.first else { return nil }
    let picked = Int(first) % template.count
    var bytes: [UInt8] = [UInt8(ascii: "{")]
    for (index, member) in template.enumerated() {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: "\"\(member.name)\":".utf8)
        if index == picked { bytes.append(contentsOf: input.dropFirst()) } else { bytes.append(contentsOf: member.value.utf8) }
    }
    bytes.append(UInt8(ascii: "}"))
    return bytes
}

/// Inputs seen and inputs the fast path took (printed now and then: a harness whose
/// mutations never reach the fast path would test nothing).
nonisolated(unsafe) var executions = 0
nonisolated(unsafe) var taken = 0
nonisolated(unsafe) var takenSpliced = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzActivityFastPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let tookDefault = defaults.check(input)
    let tookTight = tight.check(input)
    executions += 1
    if tookDefault || tookTight { taken += 1 }
    if let message = spliced(input) {
        let took = message.withUnsafeBytes { bytes in
            let tookDefault = defaults.check(bytes)
            return tight.check(bytes) || tookDefault
        }
        if took { takenSpliced += 1 }
    }
    if executions & (executions - 1) == 0 && executions >= 1 << 16 {
        print("ActivityFastPath: of \(executions) inputs the fast path took \(taken) as they are "
            + "and \(takenSpliced) spliced into a valid activity")
    }
    return 0
}
