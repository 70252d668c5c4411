public import FlowEngine
public import WireJSON

/// Writes each server → client message of PROTOCOL.md as one JSON text into a reusable
/// buffer.
///
/// Every method replaces the buffer's contents with one complete message; send
/// ``bytes`` (or use ``withUnsafeBytes(_:)``) before encoding the next. The buffer keeps its
/// capacity, and numbers, session ids, timestamps and the protocol's fixed strings are
/// formatted on the stack, so `flow` and `durable` allocate nothing once warm.
///
/// Layout rules (stable within v1): `type` first, then the fields in PROTOCOL.md's order,
/// then `ref` when the message answers a request that had an `id` (omitted otherwise);
/// snake_case names; ratios with exactly three decimals, clamped to 0…1.
public struct OutboundEncoder: Sendable {
    /// The JSON of the last message encoded.
    public internal(set) var writer: JSONWriter

    /// Creates an encoder with `capacity` bytes reserved (a `flow` with every
    /// recommendation needs about 700).
    public init(capacity: Int = 1_024) {
        writer = JSONWriter(capacity: capacity)
    }

    /// The last message's bytes.
    public var bytes: [UInt8] { writer.bytes }

    /// Calls `body` with the last message's bytes, without copying.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        writer.bytes.withUnsafeBytes(body)
    }

    // MARK: Hot messages

    /// `flow`: the answer to `activity` (with `ref` when it had an `id`), or a push of a
    /// state change the server noticed (no `ref`). `duplicate` marks the answer to a
    /// repeated `seq` (`"duplicate":true`; the field is omitted otherwise).
    public mutating func flow(session: SessionID, assessment: FlowAssessment,
                              duplicate: Bool = false, ref: RequestID? = nil) {
        flow(session: session, answer: AnsweredFlow(assessment), duplicate: duplicate, ref: ref)
    }

    /// `flow` from its packed fields, the form a session keeps for replays: a replay is
    /// written from the very values the first answer was.
    mutating func flow(session: SessionID, answer: AnsweredFlow, duplicate: Bool = false, ref: RequestID? = nil) {
        // Two fragments of pre-encoded names around the recommendations: one copy each
        // into the buffer instead of one per key and value (the hottest message).
        writer.reset()
        writer.appendFragment(maximumCount: Self.flowHeadBytes) { head in
            head.literal(#"{"type":"flow","session":""#)
            head.write(count: SessionID.textLength) { session.write(into: $0) }
            head.literal(#"","seq":"#)
            head.value(answer.seq)
            head.literal(answer.state.flowStateFields)
            head.value(decimalUnits: UInt64(answer.intensity), fractionDigits: Self.ratioDigits)
            head.literal(#","confidence":"#)
            head.value(decimalUnits: UInt64(answer.confidence), fractionDigits: Self.ratioDigits)
            head.literal(#","flow_ms":"#)
            head.value(answer.flowMs)
            head.literal(#","session_flow_ms":"#)
            head.value(answer.sessionFlowMs)
            head.literal(#","recommendations":["#)
        }
        for recommendation in answer.recommendations { writer.value(string: recommendation.text) }
        // Why: the detector's four scores and the reason for the last change of state.
        writer.appendFragment(maximumCount: Self.flowTailBytes) { tail in
            tail.literal(#"],"components":{"rhythm":"#)
            tail.value(decimalUnits: UInt64(answer.rhythm), fractionDigits: Self.ratioDigits)
            tail.literal(#","focus":"#)
            tail.value(decimalUnits: UInt64(answer.focus), fractionDigits: Self.ratioDigits)
            tail.literal(#","errors":"#)
            tail.value(decimalUnits: UInt64(answer.errors), fractionDigits: Self.ratioDigits)
            tail.literal(#","focus_time":"#)
            tail.value(decimalUnits: UInt64(answer.focusTime), fractionDigits: Self.ratioDigits)
            tail.literal("}")
            tail.literal(answer.reason.flowReasonField)
            if duplicate { tail.literal(#","duplicate":true"#) }
        }
        end(ref: ref)
    }

    /// Upper bounds of the two `flow` fragments: literals (with the longest state and
    /// reason), a 36-byte id, three integers of at most 20 bytes and ratios of 5 come to
    /// 256 and 123 bytes.
    static var flowHeadBytes: Int { 320 }
    static var flowTailBytes: Int { 160 }

    /// `durable`: a checkpoint covering the session's data up to `seq` is stored.
    public mutating func durable(session: SessionID, seq: Int64) {
        begin("durable")
        writer.key("session"); write(session)
        writer.key("seq"); writer.value(seq)
        end(ref: nil)
    }

    // MARK: Shared writers

    /// Starts a message: `{"type":"<type>"`.
    public mutating func begin(_ type: StaticString) {
        writer.reset()
        writer.beginObject()
        writer.key("type")
        writer.value(type)
    }

    /// Ends a message with its `ref`, if any.
    public mutating func end(ref: RequestID?) {
        if let ref {
            writer.key("ref")
            ref.withUTF8 { writer.value(utf8: $0) }
        }
        writer.endObject()
    }

    /// Writes a session id as its 36-character string.
    public mutating func write(_ session: SessionID) {
        session.withText { writer.value(utf8: $0) }
    }

    /// Writes a ratio clamped to 0…1 with three decimals (NaN as 0).
    public mutating func writeRatio(_ value: Double) {
        writer.value(Self.ratio(value), fractionDigits: Self.ratioDigits)
    }

    /// Digits after the point of every ratio (PROTOCOL.md: three decimals).
    static var ratioDigits: Int { 3 }
    /// 10^``ratioDigits``: a ratio's unit is 1/`ratioScale`.
    static var ratioScale: UInt64 { 1_000 }

    /// `value` clamped to 0…1 (NaN as 0).
    @inline(__always)
    static func ratio(_ value: Double) -> Double {
        value.isNaN ? 0 : Swift.min(Swift.max(value, 0), 1)
    }
}
