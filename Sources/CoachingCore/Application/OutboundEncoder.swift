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
        writer.withUnsafeBytes { raw in body(raw) }
    }

    // MARK: Hot messages

    /// `flow`: the answer to `activity` (with `ref` when it had an `id`), or a push of a
    /// state change the server noticed (no `ref`). `duplicate` marks the answer to a
    /// repeated `seq` (`"duplicate":true`; the field is omitted otherwise).
    public mutating func flow(session: SessionID, assessment: FlowAssessment,
                              duplicate: Bool = false, ref: RequestID? = nil) {
        begin("flow")
        writer.key("session"); write(session)
        writer.key("seq"); writer.value(assessment.seq)
        writer.key("state"); writer.value(string: assessment.state.wireName)
        writer.key("in_flow"); writer.value(assessment.inFlow)
        writer.key("intensity"); writeRatio(assessment.intensity)
        writer.key("confidence"); writeRatio(assessment.confidence)
        writer.key("flow_ms"); writer.value(assessment.flowMs)
        writer.key("session_flow_ms"); writer.value(assessment.sessionFlowMs)
        writer.key("recommendations")
        writer.beginArray()
        for recommendation in assessment.recommendations { writer.value(string: recommendation.text) }
        writer.endArray()
        // Why: the detector's four scores and the reason for the last change of state.
        let components = assessment.components
        writer.key("components")
        writer.beginObject()
        writer.key("rhythm"); writeRatio(components.rhythm)
        writer.key("focus"); writeRatio(components.focus)
        writer.key("errors"); writeRatio(components.errors)
        writer.key("focus_time"); writeRatio(components.focusTime)
        writer.endObject()
        if let reason = assessment.reason.wireName { writer.key("reason"); writer.value(string: reason) }
        if duplicate { writer.key("duplicate"); writer.value(true) }
        end(ref: ref)
    }

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
        let clamped = value.isNaN ? 0 : Swift.min(Swift.max(value, 0), 1)
        writer.value(clamped, fractionDigits: 3)
    }
}
