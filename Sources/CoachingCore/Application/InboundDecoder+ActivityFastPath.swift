import FlowEngine
import WireJSON

// Every client sends `activity` several times a minute, and parsing it onto WireJSON's tape
// and then decoding the tape cost two thirds of a coaching round trip. The fast path reads
// the common shape of the message in one pass straight into the window; anything it does
// not recognise goes to the general path unchanged (ActivityFastPath.swift).

extension InboundDecoder {
    /// Decodes `payload` with the `activity` fast path alone: the same result as
    /// ``decodeWithoutFastPath(_:nowMs:)`` when it returns one, `nil` ("not taken") for any
    /// input outside its shape — including every input the general path rejects.
    ///
    /// ``decode(_:nowMs:)`` tries it first; it is public for the differential tests and
    /// the fuzz harness that check the "same result" above.
    public mutating func decodeActivityFastPath(_ payload: UnsafeRawBufferPointer, nowMs: Int64) -> InboundDecodeResult? {
        let json = parser.limits
        // The general path rejects payloads over its limits; an `activity` nests 2 deep.
        guard payload.count <= json.maxInputBytes, json.maxDepth >= 2 else { return nil }
        let fields: ActivityFastFields
        do {
            fields = try ActivityFastReader.read(payload, limits: limits, nowMs: nowMs, intervals: intervalBuffer)
        } catch {
            return nil
        }
        // The tape the general path would fill: the object, a name and a value per member,
        // and the elements of `keystroke_intervals`.
        guard 1 + 2 * fields.members.nonzeroBitCount + fields.intervalCount <= json.maxValues,
              let base = payload.baseAddress else { return nil }
        window.seq = fields.seq
        window.atMs = fields.atMs
        window.windowMs = fields.windowMs
        window.keystrokes = fields.keystrokes
        window.keystrokeIntervals.removeAll(keepingCapacity: true)
        window.keystrokeIntervals.append(contentsOf: UnsafeBufferPointer(rebasing: intervalBuffer[0..<fields.intervalCount]))
        window.contextSwitches = fields.contextSwitches
        window.errorEvents = fields.errorEvents
        window.focusMs = fields.focusMs
        window.filesModified = fields.filesModified
        window.linesAdded = fields.linesAdded
        window.linesDeleted = fields.linesDeleted
        window.fileSaved = fields.fileSaved
        window.commit = fields.commit
        if let language = fields.language {
            window.language = names.string(utf8: UnsafeRawBufferPointer(start: base + language.start, count: language.count))
        } else {
            window.language = nil
        }
        var id: RequestID? = nil
        if let range = fields.id {
            id = RequestID(utf8: UnsafeRawBufferPointer(start: base + range.start, count: range.count))
        }
        return .message(.activity(session: fields.session), id: id)
    }
}
