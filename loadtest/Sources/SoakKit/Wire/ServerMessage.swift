public import WireJSON

/// A server → client message of PROTOCOL.md, reduced to what the soak checks.
///
/// Decoded from the parser's views without allocating for the hot messages (`flow`,
/// `durable`); the rarer ones copy their strings.
public enum ServerMessage: Equatable, Sendable {
    /// `welcome` after authentication.
    case welcome
    /// `session.started` {session, resumed, last_seq, durable_seq}.
    case sessionStarted(session: SessionKey, resumed: Bool, lastSeq: Int64, durableSeq: Int64)
    /// `flow` (the answer to an activity, or pushed by the server).
    case flow(session: SessionKey, seq: Int64, duplicate: Bool)
    /// `durable`: data up to `seq` is stored.
    case durable(session: SessionKey, seq: Int64)
    /// `session.summary` with the totals the soak compares.
    case summary(session: SessionKey, totals: ActivityTotals)
    /// `event` on a subscribed channel. `ownRankOnly`: its `data` is just `{"own": …}`, the
    /// subscriber's own rank that the server sends right after the shared leaderboard
    /// snapshot as a second event (see `ChannelRateCheck`).
    case event(channel: String, ownRankOnly: Bool)
    /// `subscribed`.
    case subscribed(channel: String)
    /// `unsubscribed`.
    case unsubscribed(channel: String)
    /// `error`.
    case error(code: String, message: String, ref: String?)
    /// `break` reminder.
    case breakReminder
    /// `ack`.
    case ack
    /// `pong`.
    case pong
    /// Any other `type` (a v1 server may add messages; counted, not a violation).
    case other(type: String)

    /// Why a payload could not be read as a server message.
    public enum DecodeError: Error, Equatable, Sendable {
        /// Not a JSON object, or a field of the wrong type (the text says which).
        case malformed(String)
    }

    /// Decodes one text message.
    public static func decode(_ payload: UnsafeRawBufferPointer, parser: inout JSONParser) throws(DecodeError) -> ServerMessage {
        do {
            let object = try parser.parseObject(payload)
            return try decode(object)
        } catch let error as DecodeError {
            throw error
        } catch {
            throw .malformed("\(error)")
        }
    }

    private static func decode(_ object: JSONObject) throws -> ServerMessage {
        let type = try object.string("type")
        if type == "flow" {
            return .flow(session: try sessionKey(object), seq: try object.int64("seq"),
                         duplicate: try object.boolIfPresent("duplicate") ?? false)
        }
        if type == "durable" { return .durable(session: try sessionKey(object), seq: try object.int64("seq")) }
        if type == "event" {
            let data = try object.objectIfPresent("data")
            let ownRankOnly = data.map { $0.count == 1 && $0.contains("own") } ?? false
            return .event(channel: try object.ownedString("channel"), ownRankOnly: ownRankOnly)
        }
        if type == "session.started" {
            return .sessionStarted(
                session: try sessionKey(object), resumed: try object.bool("resumed"),
                lastSeq: try object.int64("last_seq"), durableSeq: try object.int64("durable_seq"))
        }
        if type == "session.summary" {
            let totals = ActivityTotals(
                keystrokes: try object.int64("keystrokes"), linesAdded: try object.int64("lines_added"),
                linesDeleted: try object.int64("lines_deleted"))
            return .summary(session: try sessionKey(object), totals: totals)
        }
        if type == "welcome" { return .welcome }
        if type == "subscribed" { return .subscribed(channel: try object.ownedString("channel")) }
        if type == "unsubscribed" { return .unsubscribed(channel: try object.ownedString("channel")) }
        if type == "error" {
            let ref = try object.stringIfPresent("ref")?.makeString()
            return .error(code: try object.ownedString("code"), message: try object.ownedString("message"), ref: ref)
        }
        if type == "break" { return .breakReminder }
        if type == "ack" { return .ack }
        if type == "pong" { return .pong }
        return .other(type: type.makeString())
    }

    private static func sessionKey(_ object: JSONObject) throws -> SessionKey {
        let text = try object.string("session")
        // A UUID has no escapes; an escaped one is decoded (rare, allocates).
        let key: SessionKey? = text.unescapedUTF8.flatMap { SessionKey(utf8: $0) } ?? SessionKey(text.makeString())
        guard let key else { throw DecodeError.malformed("field \"session\" is not a UUID") }
        return key
    }
}
