import WireJSON

/// The per-language milliseconds of a session day in their one stored form: a JSON object
/// of integers with the names sorted, `{"c":1500,"swift":4500}`, written and read by
/// WireJSON (the same escaping as the wire protocol, so any client string round-trips).
/// SQLite keeps it in a TEXT column, PostgreSQL in `jsonb`, which re-prints the same object
/// with spaces; the reader takes either.
///
/// SQLite rows written by earlier builds hold `LegacyLanguageMap` text instead; the SQLite
/// store falls back to that reader, and the next checkpoint of the day rewrites the row.
enum LanguageMapJSON {
    /// The map as a JSON object, names in ascending order.
    static func encode(_ map: [String: Int64]) -> String {
        var writer = JSONWriter(capacity: 16 + map.count * 24)
        writer.beginObject()
        for (name, ms) in map.sorted(by: { $0.key < $1.key }) {
            writer.key(string: name)
            writer.value(ms)
        }
        writer.endObject()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Decodes a JSON object whose members are all integers; nil for anything else.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> [String: Int64]? {
        var parser = JSONParser(initialCapacity: 32)
        guard let object = try? parser.parseObject(bytes) else { return nil }
        var map: [String: Int64] = [:]
        map.reserveCapacity(object.count)
        for (name, value) in object {
            guard let ms = try? value.int64() else { return nil }
            map[name.makeString()] = ms
        }
        return map
    }

    /// Decodes the text form; nil unless it is such an object.
    static func decode(_ text: String) -> [String: Int64]? {
        var text = text
        return text.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }
}
