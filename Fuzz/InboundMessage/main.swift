// libFuzzer harness for the application-protocol codec (build and run:
// scripts/fuzz.sh InboundMessage).
//
// The contract, asserted on every input (STYLE.md: fuzz to a contract, not "no crash"):
// 1. `InboundDecoder.decode` returns a message or an `AppError` whose code is one the
//    decoder documents (bad_json, unknown_type, invalid_field, too_large), with a
//    message; `invalid_field` messages quote the field.
// 2. Decoding is a function of the input: a warm decoder (after any earlier input) and a
//    fresh one give equal results (checked on every 16th input: a fresh decoder costs
//    allocations that would dominate the run).
// 3. A decoded message's type is the input's `type`, and an `activity` window is within
//    every limit of `InboundLimits`.
// 4. The answers the server would send (`flow` for an activity, `error` for a rejection)
//    are JSON that WireJSON parses back to the same session, seq, code and ref.

import FlowEngine
import WireJSON
// The codec's library: CoachingCore once it has one of its own, RealtimeServer before.
// Fuzz/Package.swift names the product the harness depends on.
#if canImport(CoachingCore)
import CoachingCore
#else
import RealtimeServer
#endif

/// Server time every input is decoded at: 2025-11-22T00:00:00Z.
let nowMs: Int64 = 1_763_769_600_000

/// The warm decoder, reused across inputs like the one on an event loop.
nonisolated(unsafe) var sharedDecoder = InboundDecoder()
/// The reused encoder.
nonisolated(unsafe) var sharedEncoder = OutboundEncoder()
/// The reader the checks parse with.
nonisolated(unsafe) var checkParser = JSONParser(initialCapacity: 64)
/// Inputs seen, for sampling the fresh-decoder check.
nonisolated(unsafe) var executions = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInboundMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let warm = sharedDecoder.decode(input, nowMs: nowMs)
    executions += 1
    if executions % 16 == 0 {
        var fresh = InboundDecoder()
        guard fresh.decode(input, nowMs: nowMs) == warm else { fatalError("warm and fresh decoders disagree") }
    }
    switch warm {
    case .rejected(let error):
        checkRejection(error)
    case .message(let message, let id):
        checkType(of: message, input)
        if case .activity(let session) = message {
            checkWindow(sharedDecoder.window, sharedDecoder.limits)
            checkFlow(session: session, seq: sharedDecoder.window.seq, ref: id)
        }
    }
    return 0
}

/// Contract 1 and the `error` half of contract 4.
func checkRejection(_ error: AppError) {
    switch error.code {
    case .badJSON, .unknownType, .invalidField, .tooLarge: break
    case .unauthorized, .forbidden, .rateLimited, .unknownSession, .internal:
        fatalError("undocumented decoder code \(error.code)")
    }
    guard !error.message.isEmpty else { fatalError("empty error message") }
    if error.code == .invalidField && !error.message.contains("\"") {
        fatalError("invalid_field message names no field: \(error.message)")
    }
    sharedEncoder.error(error)
    let bytes = sharedEncoder.bytes
    bytes.withUnsafeBytes { raw in
        do {
            let object = try checkParser.parseObject(raw)
            guard try object.ownedString("code") == error.code.description,
                  try object.ownedString("message") == error.message,
                  try object.stringIfPresent("ref")?.makeString() == error.ref?.description
            else { fatalError("error message does not round-trip") }
        } catch {
            fatalError("encoded error does not parse: \(error)")
        }
    }
}

/// Contract 3: the message's type is the input's `type`.
func checkType(of message: InboundMessage, _ input: UnsafeRawBufferPointer) {
    do {
        let object = try checkParser.parseObject(input)
        guard try object.string("type").equals(message.typeName) else { fatalError("type mismatch") }
    } catch {
        fatalError("accepted input does not parse: \(error)")
    }
}

/// Contract 3: an accepted window is within every limit.
func checkWindow(_ window: ActivityWindow, _ limits: InboundLimits) {
    let counts = [window.keystrokes, window.contextSwitches, window.errorEvents, window.filesModified,
                  window.linesAdded, window.linesDeleted]
    guard window.seq >= 1, window.seq <= limits.maximumSeq,
          (1...limits.maximumWindowMs).contains(window.windowMs),
          window.atMs >= limits.earliestAtMs, window.atMs <= nowMs + limits.maximumFutureMs,
          (0...limits.maximumFocusMs).contains(window.focusMs),
          counts.allSatisfy({ (0...limits.maximumCount).contains($0) }),
          window.keystrokeIntervals.count <= limits.maximumIntervals,
          window.keystrokeIntervals.allSatisfy({ $0 >= 0 && $0 <= limits.maximumIntervalMs }),
          (window.language?.utf8.count ?? 0) <= limits.maximumLanguageBytes
    else { fatalError("accepted window outside the limits: \(window)") }
}

/// Contract 4: the `flow` answer parses back to the session, seq and ref.
func checkFlow(session: SessionID, seq: Int64, ref: RequestID?) {
    var assessment = FlowAssessment.initial(seq: seq, atMs: nowMs)
    assessment.intensity = Double(seq % 1000) / 999
    sharedEncoder.flow(session: session, assessment: assessment, duplicate: seq % 2 == 0, ref: ref)
    let bytes = sharedEncoder.bytes
    bytes.withUnsafeBytes { raw in
        do {
            let object = try checkParser.parseObject(raw)
            guard SessionID(try object.ownedString("session")) == session,
                  try object.int64("seq") == seq,
                  try object.stringIfPresent("ref")?.makeString() == ref?.description
            else { fatalError("flow does not round-trip") }
        } catch {
            fatalError("encoded flow does not parse: \(error)")
        }
    }
}
