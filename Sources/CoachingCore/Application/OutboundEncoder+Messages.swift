public import FlowEngine
public import WireJSON

// The less frequent server messages: answers to requests and pushes.

extension OutboundEncoder {
    /// `welcome`: sent once after authentication.
    public mutating func welcome(userID: String, userName: String, serverTimeMs: Int64,
                                 heartbeatSeconds: Int, ref: RequestID? = nil) {
        begin("welcome")
        writer.key("user")
        writer.beginObject()
        writer.key("id"); writer.value(string: userID)
        writer.key("name"); writer.value(string: userName)
        writer.endObject()
        writer.key("server_time")
        withUnsafeTemporaryAllocation(byteCount: RFC3339Timestamp.length, alignment: 1) { buffer in
            RFC3339Timestamp.write(epochMs: serverTimeMs, into: buffer)
            writer.value(utf8: UnsafeRawBufferPointer(buffer))
        }
        writer.key("heartbeat_s"); writer.value(heartbeatSeconds)
        end(ref: ref)
    }

    /// `session.started`: the answer to `session.start`.
    public mutating func sessionStarted(session: SessionID, resumed: Bool, lastSeq: Int64,
                                        durableSeq: Int64, ref: RequestID? = nil) {
        begin("session.started")
        writer.key("session"); write(session)
        writer.key("resumed"); writer.value(resumed)
        writer.key("last_seq"); writer.value(lastSeq)
        writer.key("durable_seq"); writer.value(durableSeq)
        end(ref: ref)
    }

    /// `break`: a reminder delivered at a good moment.
    public mutating func breakReminder(_ reminder: BreakReminder) {
        breakReminder(id: reminder.id, kind: reminder.kind, activeMs: reminder.activeMs)
    }

    /// `break` from its fields: `reminder` is `b-<id>` (``BreakReminder/wireID``) and
    /// `reason` is the kind's fixed text.
    public mutating func breakReminder(id: UInt64, kind: BreakKind, activeMs: Int64) {
        begin("break")
        writer.key("reminder")
        // "b-<id>" (BreakReminder.wireID), formatted on the stack.
        withUnsafeTemporaryAllocation(byteCount: 24, alignment: 1) { buffer in
            var id = id
            var index = 24
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: id % 10)
                id /= 10
            } while id > 0
            index -= 2
            buffer[index] = UInt8(ascii: "b")
            buffer[index + 1] = UInt8(ascii: "-")
            writer.value(utf8: UnsafeRawBufferPointer(rebasing: buffer[index..<24]))
        }
        writer.key("kind"); writer.value(string: kind.wireName)
        writer.key("reason"); writer.value(string: kind.reason)
        writer.key("active_ms"); writer.value(activeMs)
        end(ref: nil)
    }

    /// `session.summary`: the answer to `session.end`.
    public mutating func sessionSummary(session: SessionID, summary: SessionSummary, ref: RequestID? = nil) {
        sessionSummary(
            session: session,
            fields: SummaryFields(
                durationMs: summary.durationMs, activeMs: summary.activeMs, flowMs: summary.flowMs,
                flowPeriods: Int64(summary.flowPeriods), interruptions: Int64(summary.interruptions),
                meanRecoveryMs: summary.meanRecoveryMs, keystrokes: summary.keystrokes,
                linesAdded: summary.linesAdded, linesDeleted: summary.linesDeleted, focusScore: summary.focusScore),
            languages: summary.languages.map { ($0.key, $0.ms) }, ref: ref)
    }

    /// The numbers of a `session.summary`, in PROTOCOL.md's order.
    public struct SummaryFields {
        var durationMs: Int64
        var activeMs: Int64
        var flowMs: Int64
        var flowPeriods: Int64
        var interruptions: Int64
        var meanRecoveryMs: Int64
        var keystrokes: Int64
        var linesAdded: Int64
        var linesDeleted: Int64
        var focusScore: Double
    }

    /// `session.summary` from its fields; `languages` in the order to write them.
    public mutating func sessionSummary(session: SessionID, fields: SummaryFields, languages: [(String, Int64)], ref: RequestID?) {
        begin("session.summary")
        writer.key("session"); write(session)
        writer.key("duration_ms"); writer.value(fields.durationMs)
        writer.key("active_ms"); writer.value(fields.activeMs)
        writer.key("flow_ms"); writer.value(fields.flowMs)
        writer.key("flow_periods"); writer.value(fields.flowPeriods)
        writer.key("interruptions"); writer.value(fields.interruptions)
        writer.key("mean_recovery_ms"); writer.value(fields.meanRecoveryMs)
        writer.key("keystrokes"); writer.value(fields.keystrokes)
        writer.key("lines_added"); writer.value(fields.linesAdded)
        writer.key("lines_deleted"); writer.value(fields.linesDeleted)
        writer.key("focus_score"); writeRatio(fields.focusScore)
        writer.key("languages")
        writer.beginObject()
        for (language, ms) in languages {
            writer.key(string: language)
            writer.value(ms)
        }
        writer.endObject()
        end(ref: ref)
    }

    /// `event`: a subscribed channel changed; `data` writes the channel's payload (one
    /// JSON value) with the given writer.
    public mutating func event(channel: String, data: (inout JSONWriter) -> Void) {
        begin("event")
        writer.key("channel"); writer.value(string: channel)
        writer.key("data")
        data(&writer)
        end(ref: nil)
    }

    /// `subscribed`: the answer to `subscribe` (the snapshot follows as an `event`).
    public mutating func subscribed(channel: String, ref: RequestID? = nil) {
        begin("subscribed")
        writer.key("channel"); writer.value(string: channel)
        end(ref: ref)
    }

    /// `unsubscribed`: the answer to `unsubscribe`.
    public mutating func unsubscribed(channel: String, ref: RequestID? = nil) {
        begin("unsubscribed")
        writer.key("channel"); writer.value(string: channel)
        end(ref: ref)
    }

    /// `ack`: the answer to a request with no other answer (`break.ack`, `privacy.set`).
    public mutating func ack(ref: RequestID?) {
        begin("ack")
        end(ref: ref)
    }

    /// `error`: a rejected request; `ref` is the error's, when the request had an `id`.
    public mutating func error(_ error: AppError) {
        begin("error")
        writer.key("code"); writer.value(error.code.wireName)
        writer.key("message"); writer.value(string: error.message)
        end(ref: error.ref)
    }

    /// `pong`: the answer to `ping`.
    public mutating func pong(ref: RequestID? = nil) {
        begin("pong")
        end(ref: ref)
    }
}
