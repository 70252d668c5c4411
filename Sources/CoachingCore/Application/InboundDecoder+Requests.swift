import FlowEngine
public import WireJSON

// The messages other than `activity`: rare (once per session or per user action), so
// they may build `String`s.

extension InboundDecoder {
    /// `hello`: every field optional; lengths bounded.
    public mutating func decodeHello(_ object: JSONObject) throws(AppError) -> InboundMessage {
        var hello = InboundMessage.Hello()
        if let token = try object.optionalText("token", maximumBytes: limits.maximumTokenBytes) {
            hello.token = token.makeString()
        }
        let client: JSONObject?
        do { client = try object.objectIfPresent("client") } catch { throw JSONObject.fieldError(error, "client") }
        if let client {
            do {
                hello.clientName = try client.optionalText("name", maximumBytes: limits.maximumClientFieldBytes)?.makeString()
                hello.clientVersion = try client.optionalText("version", maximumBytes: limits.maximumClientFieldBytes)?.makeString()
            } catch {
                var error = error
                error.message = "in \"client\": " + error.message
                throw error
            }
        }
        hello.device = try object.optionalText("device", maximumBytes: limits.maximumClientFieldBytes)?.makeString()
        return .hello(hello)
    }

    /// `session.start`.
    public mutating func decodeSessionStart(_ object: JSONObject, nowMs: Int64) throws(AppError) -> InboundMessage {
        let session = try object.sessionID("session", scratch: &scratch)
        let project = try name(object, "project", maximumBytes: limits.maximumProjectBytes)
        let language = try name(object, "language", maximumBytes: limits.maximumLanguageBytes)
        let atMs = try object.instant("at_ms", limits: limits, nowMs: nowMs)
        return .sessionStart(.init(session: session, project: project, language: language, atMs: atMs))
    }

    /// `session.end`.
    public mutating func decodeSessionEnd(_ object: JSONObject, nowMs: Int64) throws(AppError) -> InboundMessage {
        let session = try object.sessionID("session", scratch: &scratch)
        let seq = try object.integer("seq", in: 0...limits.maximumSeq)
        let atMs = try object.instant("at_ms", limits: limits, nowMs: nowMs)
        return .sessionEnd(.init(session: session, seq: seq, atMs: atMs))
    }

    /// The `channel` of `subscribe` / `unsubscribe`.
    public func channel(_ object: JSONObject) throws(AppError) -> String {
        try object.text("channel", maximumBytes: limits.maximumChannelBytes).makeString()
    }

    /// `break.ack`: `reminder` is `b-<n>`, `action` one of the three wire names.
    public mutating func decodeBreakAck(_ object: JSONObject) throws(AppError) -> InboundMessage {
        let reminderView = try object.text("reminder", maximumBytes: 24)
        let reminder = reminderView.withUTF8(scratch: &scratch) { Self.reminderNumber($0) }
        guard let reminder else {
            throw .invalidField("reminder", "must be a reminder id like \"b-12\" as sent in \"break\"")
        }
        let actionView = try object.text("action", maximumBytes: 16)
        let action: BreakAction
        if actionView == "taken" {
            action = .taken
        } else if actionView == "snoozed" {
            action = .snoozed
        } else if actionView == "dismissed" {
            action = .dismissed
        } else {
            throw .invalidField("action", "must be one of \"taken\", \"snoozed\", \"dismissed\"")
        }
        return .breakAck(.init(reminder: reminder, action: action))
    }

    /// `privacy.set`: either flag may be omitted, not both.
    public func decodePrivacySet(_ object: JSONObject) throws(AppError) -> InboundMessage {
        let visible = try object.optionalBool("leaderboard_visible")
        let share = try object.optionalBool("share_project_names")
        guard visible != nil || share != nil else {
            throw .invalidField("leaderboard_visible", "or \"share_project_names\" is required (a boolean)")
        }
        return .privacySet(.init(leaderboardVisible: visible, shareProjectNames: share))
    }

    /// Parses `b-<decimal UInt64>` (the form of ``BreakReminder/wireID``); `nil` otherwise.
    public static func reminderNumber(_ text: UnsafeRawBufferPointer) -> UInt64? {
        guard text.count > 2, text[0] == UInt8(ascii: "b"), text[1] == UInt8(ascii: "-") else { return nil }
        var value: UInt64 = 0
        for index in 2..<text.count {
            let digit = text[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
            guard !o1 && !o2 else { return nil }
            value = sum
        }
        return value
    }
}
