import Foundation

/// The per-language milliseconds of a session day as a `jsonb` object
/// (`{"c": 1500, "swift": 4500}`): the PostgreSQL form of SQLite's `LanguageMapCoding`.
/// Names are JSON-escaped, so any client string round-trips as data.
enum LanguageJSON {
    static func encode(_ map: [String: Int64]) -> String {
        guard !map.isEmpty else { return "{}" }
        var out = "{"
        for (name, ms) in map.sorted(by: { $0.key < $1.key }) {
            if out.utf8.count > 1 { out.append(",") }
            appendString(name, to: &out)
            out.append(":")
            out.append(String(ms))
        }
        out.append("}")
        return out
    }

    /// RFC 8259 §7: quotation mark, reverse solidus and control characters must be escaped.
    private static func appendString(_ text: String, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }

    /// Decodes a jsonb object of integers; nil when it is anything else.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> [String: Int64]? {
        if bytes.count == 2, bytes[0] == UInt8(ascii: "{"), bytes[1] == UInt8(ascii: "}") { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        var map: [String: Int64] = [:]
        map.reserveCapacity(object.count)
        for (name, value) in object {
            guard let number = value as? NSNumber else { return nil }
            map[name] = number.int64Value
        }
        return map
    }
}
