/// The language-map text that SQLite databases written by earlier builds hold in
/// `session_days.languages`: `name=ms` entries joined by `;`, sorted by name, with `%`, `;`
/// and `=` in names percent-encoded (`%25`, `%3B`, `%3D`). Read only: rows are written as
/// `LanguageMapJSON` now, and each checkpoint of a day rewrites its row, so old rows fade
/// out without a migration; this reader keeps the ones that remain readable.
///
/// The two forms cannot be confused: this one is empty or ends in a digit, a JSON object
/// ends in `}`.
enum LegacyLanguageMap {
    /// Decodes the legacy text; nil when the text is not in that format.
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
