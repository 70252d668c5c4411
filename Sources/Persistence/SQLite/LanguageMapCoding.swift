/// The per-language milliseconds of a session day, stored in one TEXT column of
/// `session_days` instead of a row per language (two to three times fewer B-tree writes per
/// checkpoint). Format: `name=ms` entries joined by `;`, sorted by name, with `%`, `;` and
/// `=` in names percent-encoded (`%25`, `%3B`, `%3D`), so any client string round-trips.
enum LanguageMapCoding {
    static func encode(_ map: [String: Int64]) -> String {
        guard !map.isEmpty else { return "" }
        var out = ""
        for (name, ms) in map.sorted(by: { $0.key < $1.key }) {
            if !out.isEmpty { out.append(";") }
            for character in name.unicodeScalars {
                switch character {
                case "%": out.append("%25")
                case ";": out.append("%3B")
                case "=": out.append("%3D")
                default: out.unicodeScalars.append(character)
                }
            }
            out.append("=")
            out.append(String(ms))
        }
        return out
    }

    /// Decodes `encode`'s output; nil when the text is not in that format.
    static func decode(_ text: String) -> [String: Int64]? {
        guard !text.isEmpty else { return [:] }
        var map: [String: Int64] = [:]
        for entry in text.split(separator: ";", omittingEmptySubsequences: false) {
            guard let equals = entry.lastIndex(of: "="), let ms = Int64(entry[entry.index(after: equals)...]),
                let name = unescape(entry[..<equals])
            else { return nil }
            map[name] = ms
        }
        return map
    }

    private static func unescape(_ escaped: Substring) -> String? {
        guard escaped.contains("%") else { return String(escaped) }
        var out = ""
        var scalars = escaped.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "%" else {
                out.unicodeScalars.append(scalar)
                continue
            }
            guard let high = scalars.next(), let low = scalars.next() else { return nil }
            switch (high, low) {
            case ("2", "5"): out.append("%")
            case ("3", "B"): out.append(";")
            case ("3", "D"): out.append("=")
            default: return nil
            }
        }
        return out
    }
}
