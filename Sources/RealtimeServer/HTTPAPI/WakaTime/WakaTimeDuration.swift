import WireJSON

/// WakaTime's ways of writing a duration: `total_seconds`, `digital` (`1:02`), `text`
/// (`1 hr 2 mins`), and `hours`/`minutes`/`seconds`.
struct WakaTimeDuration: Sendable, Hashable {
    let ms: Int64

    var totalSeconds: Int64 { max(0, ms) / 1000 }
    var hours: Int64 { totalSeconds / 3600 }
    var minutes: Int64 { totalSeconds % 3600 / 60 }
    var seconds: Int64 { totalSeconds % 60 }

    var digital: String { "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)" }

    var text: String {
        func unit(_ value: Int64, _ name: String) -> String { "\(value) \(name)\(value == 1 ? "" : "s")" }
        if hours > 0 { return unit(hours, "hr") + " " + unit(minutes, "min") }
        if minutes > 0 { return unit(minutes, "min") }
        return unit(seconds, "sec")
    }

    /// `{"digital","hours","minutes","seconds","text","total_seconds"}` (a grand total).
    func writeTotal(into json: inout JSONWriter) {
        json.beginObject()
        writeFields(into: &json)
        json.endObject()
    }

    func writeFields(into json: inout JSONWriter) {
        json.key("digital"); json.value(string: digital)
        json.key("hours"); json.value(hours)
        json.key("minutes"); json.value(minutes)
        json.key("seconds"); json.value(seconds)
        json.key("text"); json.value(string: text)
        json.key("total_seconds"); json.value(Double(max(0, ms)) / 1000, fractionDigits: 3)
    }

    /// One entry of a breakdown (languages, projects, …), largest first, with its share.
    static func writeBreakdown(_ entries: [String: Int64], totalMs: Int64, unknown: String, into json: inout JSONWriter) {
        json.beginArray()
        for (name, ms) in entries.filter({ $0.value > 0 }).sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            json.beginObject()
            json.key("name"); json.value(string: name.isEmpty ? unknown : name)
            json.key("percent"); json.value(totalMs > 0 ? Double(ms) * 100 / Double(totalMs) : 0, fractionDigits: 2)
            WakaTimeDuration(ms: ms).writeFields(into: &json)
            json.endObject()
        }
        json.endArray()
    }
}
