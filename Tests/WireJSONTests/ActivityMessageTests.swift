import Testing
import WireJSON

/// The PROTOCOL.md `activity` message and `flow` reply, end to end.
struct ActivityMessageTests {
    static func activity(intervals: Int, session: String = "6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f") -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("type"); writer.value("activity")
        writer.key("session"); writer.value(string: session)
        writer.key("seq"); writer.value(Int64(1234))
        writer.key("at_ms"); writer.value(Int64(1_763_769_600_123))
        writer.key("window_ms"); writer.value(Int64(10_000))
        writer.key("keystrokes"); writer.value(Int64(intervals + 1))
        writer.key("keystroke_intervals")
        writer.beginArray()
        for k in 0..<intervals { writer.value(Int64(40 + (k * 37) % 900)) }
        writer.endArray()
        writer.key("context_switches"); writer.value(Int64(2))
        writer.key("error_events"); writer.value(Int64(1))
        writer.key("focus_ms"); writer.value(Int64(9_500))
        writer.key("files_modified"); writer.value(Int64(3))
        writer.key("lines_added"); writer.value(Int64(42))
        writer.key("lines_deleted"); writer.value(Int64(7))
        writer.key("language"); writer.value("swift")
        writer.key("file_saved"); writer.value(true)
        writer.key("commit"); writer.null()
        writer.endObject()
        return writer.bytes
    }

    struct Activity: Equatable {
        var session = ""
        var seq: Int64 = 0
        var atMs: Int64 = 0
        var windowMs: Int64 = 0
        var keystrokes: Int64 = 0
        var intervalCount = 0
        var contextSwitches: Int64 = 0
        var errorEvents: Int64 = 0
        var focusMs: Int64 = 0
        var filesModified: Int64 = 0
        var linesAdded: Int64 = 0
        var linesDeleted: Int64 = 0
        var language: String?
        var fileSaved: Bool?
        var commitIsNull = false
    }

    /// Extraction exactly as the server's hot path would do it.
    static func extract(
        _ message: JSONObject, intervals: UnsafeMutableBufferPointer<Int32>
    ) throws(JSONError) -> Activity {
        guard try message.string("type") == "activity" else { throw .missingField(field: "type") }
        var a = Activity()
        a.session = try message.string("session").makeString()
        a.seq = try message.int64("seq")
        a.atMs = try message.int64("at_ms")
        a.windowMs = try message.int64("window_ms")
        a.keystrokes = try message.int64("keystrokes")
        a.intervalCount = try message.int32s("keystroke_intervals", into: intervals)
        a.contextSwitches = try message.int64("context_switches")
        a.errorEvents = try message.int64("error_events")
        a.focusMs = try message.int64("focus_ms")
        a.filesModified = try message.int64("files_modified")
        a.linesAdded = try message.int64("lines_added")
        a.linesDeleted = try message.int64("lines_deleted")
        a.language = try message.stringIfPresent("language")?.makeString()
        a.fileSaved = try message.boolIfPresent("file_saved")
        a.commitIsNull = message.isNull("commit")
        return a
    }

    @Test("an activity message with 512 intervals is parsed and every field extracted")
    func fullActivity() throws {
        let bytes = Self.activity(intervals: 512)
        let intervals = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 512)
        defer { intervals.deallocate() }
        var parser = JSONParser()
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> Activity in try Self.extract(try parser.parseObject(raw), intervals: intervals) }
        }
        let activity = try result.get()
        #expect(activity.session == "6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f")
        #expect(activity.seq == 1234)
        #expect(activity.atMs == 1_763_769_600_123)
        #expect(activity.intervalCount == 512)
        #expect(activity.keystrokes == 513)
        #expect(activity.language == "swift")
        #expect(activity.fileSaved == true)
        #expect(activity.commitIsNull)
        #expect(activity.linesDeleted == 7)
        let expectedIntervals: [Int32] = (0..<512).map { Int32(40 + ($0 * 37) % 900) }
        #expect(Array(intervals) == expectedIntervals)
        #expect(parser.valueCount == 1 + 2 * 16 + 512)
    }

    @Test("513 intervals overflow a 512-slot buffer with an error naming the field")
    func tooManyIntervals() {
        let bytes = Self.activity(intervals: 513)
        let intervals = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 512)
        defer { intervals.deallocate() }
        var parser = JSONParser()
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> Activity in try Self.extract(try parser.parseObject(raw), intervals: intervals) }
        }
        #expect(throws: JSONError.tooManyElements(field: "keystroke_intervals", limit: 512)) { try result.get() }
    }

    @Test("a flow reply is written in one pass and reads back")
    func flowReply() throws {
        var writer = JSONWriter(capacity: 256)
        for _ in 0..<2 {
            writer.reset()
            writer.beginObject()
            writer.key("type"); writer.value("flow")
            writer.key("session"); writer.value("6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f")
            writer.key("seq"); writer.value(Int64(1234))
            writer.key("state"); writer.value("flow")
            writer.key("in_flow"); writer.value(true)
            writer.key("intensity"); writer.value(0.8125, fractionDigits: 3)
            writer.key("confidence"); writer.value(0.66666, fractionDigits: 3)
            writer.key("flow_ms"); writer.value(Int64(1_260_000))
            writer.key("session_flow_ms"); writer.value(Int64(3_600_000))
            writer.key("recommendations"); writer.beginArray(); writer.value("keep going"); writer.endArray()
            writer.endObject()
        }
        let text = String(decoding: writer.bytes, as: UTF8.self)
        let expected: String = #"{"type":"flow","session":"6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f","seq":1234,"#
            + #""state":"flow","in_flow":true,"intensity":0.812,"confidence":0.667,"flow_ms":1260000,"#
            + #""session_flow_ms":3600000,"recommendations":["keep going"]}"#
        #expect(text == expected)
        #expect(try withObject(text) { o throws(JSONError) in try o.double("confidence") } == 0.667)
    }
}
