public import FlowEngine
public import WireJSON

/// Turns the text payload of one WebSocket message into a validated ``InboundMessage``,
/// or an ``AppError`` that names the field to fix.
///
/// One decoder lives on each event loop and is reused message after message. Its JSON
/// tape, its scratch buffer and the keystroke intervals of ``window`` keep their capacity,
/// so once warm, decoding an `activity` allocates nothing. It reads no clock: the caller
/// passes the server time `nowMs` that bounds `at_ms`.
///
/// ```swift
/// var decoder = InboundDecoder()                          // once per loop
/// switch decoder.decode(payload, nowMs: clock.nowMs) {
/// case .message(.activity(let session), let id):
///     let assessment = detector.ingest(decoder.window)    // valid until the next decode
/// case .message(let other, let id): …
/// case .rejected(let error): encoder.error(error)         // connection stays open
/// }
/// ```
///
/// An `activity` in the shape clients write is read by a one-pass fast path straight into
/// ``window`` (``decodeActivityFastPath(_:nowMs:)``); every other message, and every
/// `activity` it declines, goes through WireJSON's parser and the message decoders
/// (``decodeWithoutFastPath(_:nowMs:)``), which alone decide errors. Both give the same
/// result for every input the fast path takes (a differential test and a fuzz harness).
///
/// Decisions where the contract leaves room (each is tested):
/// - Unknown members are ignored (PROTOCOL.md: fields are added freely); duplicate member
///   names are `bad_json` (WireJSON rejects them).
/// - A top-level value other than an object is `bad_json`; a missing or non-string
///   `type` is `invalid_field` naming `type`; an unknown `type` is `unknown_type`.
/// - More than 512 `keystroke_intervals` is `too_large` (a size limit, checked from the
///   array's length before any element is read); so are payloads over the JSON limits.
/// - Numbers must be integer tokens (`5`, not `5.0`); one outside Int64 is `invalid_field`.
/// - An empty or `null` optional string (`language`, `project`) counts as absent.
/// - `session.end` accepts `seq` 0 (a session that sent no activity); `activity` needs ≥ 1.
/// - The `id` is read first, so every later error carries it as `ref`; a bad `id` itself
///   is `invalid_field` without a ref.
public struct InboundDecoder: ~Copyable {
    /// The bounds every decode enforces.
    public let limits: InboundLimits

    /// The window of the last `activity` decoded. Valid after `decode` returned
    /// `.activity`, until the next `decode`. Holding a copy across the next `decode`
    /// is safe but makes that decode copy the interval array (one allocation).
    public internal(set) var window: ActivityWindow

    /// The reusable JSON reader.
    public var parser: JSONParser
    /// Decoded bytes of escaped strings.
    public var scratch: [UInt8]
    /// Recent `language` and `project` names.
    public var names: StringInterner
    /// Where the `activity` fast path reads keystroke intervals before it knows the
    /// message is one it takes (``InboundLimits/maximumIntervals`` values).
    let intervalBuffer: UnsafeMutableBufferPointer<Int32>

    /// Creates a decoder. `json` bounds the payload as a whole; its defaults are tight for
    /// the protocol: an `activity` with 512 intervals and a dozen extra fields fits
    /// comfortably in 2,048 values and 64 KiB.
    public init(limits: InboundLimits = InboundLimits(),
                json: JSONLimits = JSONLimits(maxDepth: 16, maxValues: 2_048, maxInputBytes: 64 * 1024)) {
        self.limits = limits
        parser = JSONParser(limits: json, initialCapacity: 1_024)
        window = ActivityWindow(atMs: 0, windowMs: 0)
        window.keystrokeIntervals.reserveCapacity(limits.maximumIntervals)
        scratch = []
        scratch.reserveCapacity(256)
        names = StringInterner()
        intervalBuffer = .allocate(capacity: limits.maximumIntervals)
        intervalBuffer.initialize(repeating: 0)
    }

    deinit {
        intervalBuffer.deallocate()
    }

    /// Lends ``window`` to `body` by moving it out and back in: a window read through the
    /// decoder's owner (a class) would otherwise be copied, which retains and releases its
    /// interval array and language. `body` sees the decoder's ``window`` empty; the window,
    /// with its array's capacity, comes back when `body` returns.
    @inline(__always)
    public mutating func lendWindow<R>(_ body: (borrowing ActivityWindow) -> R) -> R {
        var lent = ActivityWindow(atMs: 0, windowMs: 0)
        swap(&window, &lent)
        let result = body(lent)
        swap(&window, &lent)
        return result
    }

    /// Decodes one text message.
    ///
    /// - Parameters:
    ///   - payload: the whole message; borrowed, not kept.
    ///   - nowMs: the server's wall clock, ms since the epoch; `at_ms` may be at most
    ///     ``InboundLimits/maximumFutureMs`` after it.
    /// - Returns: the message and its request id, or the error to send.
    public mutating func decode(_ payload: UnsafeRawBufferPointer, nowMs: Int64) -> InboundDecodeResult {
        if let activity = decodeActivityFastPath(payload, nowMs: nowMs) { return activity }
        return decodeWithoutFastPath(payload, nowMs: nowMs)
    }

    /// Decodes one text message through WireJSON's parser and the message decoders: what
    /// ``decode(_:nowMs:)`` does for every message the `activity` fast path does not take.
    /// Public for the differential tests and the fuzz harness.
    public mutating func decodeWithoutFastPath(_ payload: UnsafeRawBufferPointer, nowMs: Int64) -> InboundDecodeResult {
        let object: JSONObject
        do {
            object = try parser.parseObject(payload)
        } catch {
            return .rejected(AppError(error))
        }
        let id: RequestID?
        do {
            id = try Self.requestID(object)
        } catch {
            return .rejected(error)
        }
        do {
            let message = try decodeMessage(object, nowMs: nowMs)
            return .message(message, id: id)
        } catch {
            var error = error
            error.ref = id
            return .rejected(error)
        }
    }

    /// The optional `id`: a string of at most 64 bytes.
    public static func requestID(_ object: JSONObject) throws(AppError) -> RequestID? {
        guard let member = object.presentMember("id") else { return nil }
        let view: JSONStringView
        do { view = try member.string() } catch { throw JSONObject.fieldError(error, "id") }
        guard view.utf8Count <= RequestID.maximumBytes else {
            throw .invalidField("id", "must be at most \(RequestID.maximumBytes) bytes, got \(view.utf8Count)")
        }
        if let plain = view.unescapedUTF8 { return RequestID(utf8: plain) }
        return withUnsafeTemporaryAllocation(byteCount: RequestID.maximumBytes, alignment: 1) { buffer in
            let count = view.copyUTF8(into: buffer) ?? 0
            return RequestID(utf8: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Dispatches on `type`.
    public mutating func decodeMessage(_ object: JSONObject, nowMs: Int64) throws(AppError) -> InboundMessage {
        let type: JSONStringView
        do { type = try object.string("type") } catch { throw JSONObject.fieldError(error, "type") }
        if type == "activity" { return try decodeActivity(object, nowMs: nowMs) }
        if type == "ping" { return .ping }
        if type == "session.start" { return try decodeSessionStart(object, nowMs: nowMs) }
        if type == "session.end" { return try decodeSessionEnd(object, nowMs: nowMs) }
        if type == "hello" { return try decodeHello(object) }
        if type == "subscribe" { return .subscribe(channel: try channel(object)) }
        if type == "unsubscribe" { return .unsubscribe(channel: try channel(object)) }
        if type == "break.ack" { return try decodeBreakAck(object) }
        if type == "privacy.set" { return try decodePrivacySet(object) }
        if type == "goal.set" { return try decodeGoalSet(object) }
        throw Self.unknownType(type)
    }

    @inline(never)
    public static func unknownType(_ type: JSONStringView) -> AppError {
        let shown = type.utf8Count <= 64 ? "\"\(type.makeString())\"" : "of \(type.utf8Count) bytes"
        return AppError(.unknownType, "unknown message type \(shown); expected one of hello, session.start, "
            + "activity, session.end, subscribe, unsubscribe, break.ack, privacy.set, goal.set, ping")
    }
}
