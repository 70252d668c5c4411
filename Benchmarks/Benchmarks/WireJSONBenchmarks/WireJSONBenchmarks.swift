// Benchmarks of the wire JSON codec (WireJSON) on the hot-path messages of PROTOCOL.md,
// with Foundation's JSONSerialization, JSONDecoder and JSONEncoder as the baselines to
// beat (Foundation is allowed here, never in WireJSON).
//
// - parse + extract every field of an `activity` message (64 and 512 keystroke
//   intervals) into plain values, as the server's hot path does;
// - write a `flow` reply (~220 bytes).
// The WireJSON paths reuse their parser / writer, so after warm-up they must show
// 0 mallocs per iteration (thresholds below).
import Benchmark
import Foundation
import WireJSON

/// The `activity` message of PROTOCOL.md with `intervals` keystroke intervals.
func activityMessage(intervals: Int) -> [UInt8] {
    var text = #"{"type":"activity","session":"6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f","seq":1234,"#
    text += #""at_ms":1763769600123,"window_ms":10000,"keystrokes":\#(intervals + 1),"keystroke_intervals":["#
    text += (0..<intervals).map { String(40 + ($0 * 37) % 900) }.joined(separator: ",")
    text += #"],"context_switches":2,"error_events":1,"focus_ms":9500,"files_modified":3,"lines_added":42,"#
    text += #""lines_deleted":7,"language":"swift","file_saved":true,"commit":null}"#
    return Array(text.utf8)
}

/// The fields the server keeps from an `activity` message.
struct ActivityFields {
    var sessionLength = 0
    var seq: Int64 = 0, atMs: Int64 = 0, windowMs: Int64 = 0, keystrokes: Int64 = 0
    var intervalCount = 0
    var contextSwitches: Int64 = 0, errorEvents: Int64 = 0, focusMs: Int64 = 0
    var filesModified: Int64 = 0, linesAdded: Int64 = 0, linesDeleted: Int64 = 0
    var languageLength = 0
    var fileSaved = false
}

/// WireJSON extraction, as the server does it: typed getters, intervals into a buffer.
func extract(_ o: JSONObject, intervals: UnsafeMutableBufferPointer<Int32>) throws(JSONError) -> ActivityFields {
    var f = ActivityFields()
    guard try o.string("type") == "activity" else { throw .missingField(field: "type") }
    f.sessionLength = try o.string("session").utf8Count
    f.seq = try o.int64("seq")
    f.atMs = try o.int64("at_ms")
    f.windowMs = try o.int64("window_ms")
    f.keystrokes = try o.int64("keystrokes")
    f.intervalCount = try o.int32s("keystroke_intervals", into: intervals)
    f.contextSwitches = try o.int64("context_switches")
    f.errorEvents = try o.int64("error_events")
    f.focusMs = try o.int64("focus_ms")
    f.filesModified = try o.int64("files_modified")
    f.linesAdded = try o.int64("lines_added")
    f.linesDeleted = try o.int64("lines_deleted")
    f.languageLength = try o.stringIfPresent("language")?.utf8Count ?? 0
    f.fileSaved = try o.boolIfPresent("file_saved") ?? false
    return f
}

/// The Codable baseline of the same message.
struct ActivityCodable: Decodable {
    var type: String
    var session: String
    var seq: Int64
    var at_ms: Int64
    var window_ms: Int64
    var keystrokes: Int64
    var keystroke_intervals: [Int32]
    var context_switches: Int64
    var error_events: Int64
    var focus_ms: Int64
    var files_modified: Int64
    var lines_added: Int64
    var lines_deleted: Int64
    var language: String?
    var file_saved: Bool?
    var commit: String?
}

/// The Codable baseline of the `flow` reply.
struct FlowCodable: Encodable {
    var type = "flow"
    var session = "6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f"
    var seq: Int64
    var state = "flow"
    var in_flow = true
    var intensity: Double
    var confidence: Double
    var flow_ms: Int64
    var session_flow_ms: Int64
    var recommendations: [String] = ["keep going"]
}

/// A steady-state path allocates nothing (a computed value: thresholds are not Sendable).
var zeroMallocs: [BenchmarkMetric: BenchmarkThresholds] {
    [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p100: 0])]
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .instructions],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )

    for count in [64, 512] {
        Benchmark("WireJSON parse+extract activity (\(count) intervals)", configuration: .init(thresholds: zeroMallocs)) {
            benchmark in
            let payload = activityMessage(intervals: count)
            var parser = JSONParser()
            let intervals = UnsafeMutableBufferPointer<Int32>.allocate(capacity: 512)
            defer { intervals.deallocate() }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                payload.withUnsafeBytes { raw in
                    let fields = try? extract(try parser.parseObject(raw), intervals: intervals)
                    blackHole(fields?.seq)
                }
            }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Foundation JSONSerialization parse+extract activity (64 intervals, baseline)") { benchmark in
        let payload = activityMessage(intervals: 64)
        var intervals = [Int32](repeating: 0, count: 512)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let object = try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
            var f = ActivityFields()
            f.seq = (object?["seq"] as? NSNumber)?.int64Value ?? 0
            f.atMs = (object?["at_ms"] as? NSNumber)?.int64Value ?? 0
            f.windowMs = (object?["window_ms"] as? NSNumber)?.int64Value ?? 0
            f.keystrokes = (object?["keystrokes"] as? NSNumber)?.int64Value ?? 0
            if let list = object?["keystroke_intervals"] as? [NSNumber] {
                for (k, value) in list.enumerated() { intervals[k] = value.int32Value }
                f.intervalCount = list.count
            }
            f.contextSwitches = (object?["context_switches"] as? NSNumber)?.int64Value ?? 0
            f.errorEvents = (object?["error_events"] as? NSNumber)?.int64Value ?? 0
            f.focusMs = (object?["focus_ms"] as? NSNumber)?.int64Value ?? 0
            f.filesModified = (object?["files_modified"] as? NSNumber)?.int64Value ?? 0
            f.linesAdded = (object?["lines_added"] as? NSNumber)?.int64Value ?? 0
            f.linesDeleted = (object?["lines_deleted"] as? NSNumber)?.int64Value ?? 0
            f.languageLength = (object?["language"] as? String)?.utf8.count ?? 0
            f.fileSaved = object?["file_saved"] as? Bool ?? false
            blackHole(f.seq)
        }
    }

    Benchmark("Foundation JSONDecoder activity (64 intervals, baseline)") { benchmark in
        let payload = activityMessage(intervals: 64)
        let decoder = JSONDecoder()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decode(ActivityCodable.self, from: Data(payload)).seq)
        }
    }

    Benchmark("WireJSON JSONWriter flow reply", configuration: .init(thresholds: zeroMallocs)) { benchmark in
        var writer = JSONWriter(capacity: 256)
        var seq: Int64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            seq &+= 1
            writer.reset()
            writer.beginObject()
            writer.key("type"); writer.value("flow")
            writer.key("session"); writer.value("6f1c2a9e-1d2b-4c3d-8e4f-5a6b7c8d9e0f")
            writer.key("seq"); writer.value(seq)
            writer.key("state"); writer.value("flow")
            writer.key("in_flow"); writer.value(true)
            writer.key("intensity"); writer.value(0.8125, fractionDigits: 3)
            writer.key("confidence"); writer.value(0.66666, fractionDigits: 3)
            writer.key("flow_ms"); writer.value(Int64(1_260_000))
            writer.key("session_flow_ms"); writer.value(Int64(3_600_000))
            writer.key("recommendations"); writer.beginArray(); writer.value("keep going"); writer.endArray()
            writer.endObject()
            blackHole(writer.count)
        }
        benchmark.stopMeasurement()
    }

    Benchmark("Foundation JSONEncoder flow reply (baseline)") { benchmark in
        let encoder = JSONEncoder()
        var seq: Int64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            seq &+= 1
            let flow = FlowCodable(seq: seq, intensity: 0.8125, confidence: 0.667, flow_ms: 1_260_000, session_flow_ms: 3_600_000)
            blackHole(try encoder.encode(flow))
        }
    }
}
