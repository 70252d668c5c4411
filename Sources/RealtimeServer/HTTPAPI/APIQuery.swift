import CoachingCore
/// The query of one API request, parsed strictly: every parameter must be one the endpoint
/// knows, appear once, and have a non-empty, well-escaped value. Each failure is an
/// ``APIError/invalidField(name:problem:)`` naming the parameter, so the client learns what
/// to fix (400, `{"error":{"code":"invalid_field","message":"limit: …"}}`).
struct APIQuery {
    /// Longest accepted value, in bytes after decoding.
    static let maxValueBytes = 256
    /// Most parameters in one query.
    static let maxParameters = 16

    private var values: [String: String] = [:]

    /// Parses the text after `?` (nil: no query) for an endpoint that accepts `allowed`.
    init(parsing query: Substring?, allowed: Set<String>) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false)
        guard pairs.count <= Self.maxParameters else {
            throw .invalidField(name: "query", problem: "more than \(Self.maxParameters) parameters")
        }
        for pair in pairs {
            guard !pair.isEmpty else { throw .invalidField(name: "query", problem: "empty parameter (stray '&')") }
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentDecoding.decode(parts[0]), !name.isEmpty else {
                throw .invalidField(name: "query", problem: "a parameter name is empty or badly escaped")
            }
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw .invalidField(name: Self.printable(name), problem: "unknown parameter (known: \(known.isEmpty ? "none" : known))")
            }
            guard values[name] == nil else { throw .invalidField(name: name, problem: "given more than once") }
            guard parts.count == 2, !parts[1].isEmpty else { throw .invalidField(name: name, problem: "missing value") }
            guard let value = PercentDecoding.decode(parts[1]) else {
                throw .invalidField(name: name, problem: "bad percent-encoding, invalid UTF-8 or a control character")
            }
            guard value.utf8.count <= Self.maxValueBytes else {
                throw .invalidField(name: name, problem: "longer than \(Self.maxValueBytes) bytes")
            }
            values[name] = value
        }
    }

    /// The raw decoded value.
    func string(_ name: String) -> String? { values[name] }

    /// A `YYYY-MM-DD` day.
    func day(_ name: String) throws(APIError) -> LocalDay? {
        guard let text = values[name] else { return nil }
        guard let day = LocalDay(parsing: text) else {
            throw .invalidField(name: name, problem: "not a date (expected YYYY-MM-DD, e.g. 2026-11-22)")
        }
        return day
    }

    /// A decimal integer in `range` (digits only: no sign, no spaces, no leading `+`).
    func integer(_ name: String, in range: ClosedRange<Int>) throws(APIError) -> Int? {
        guard let text = values[name] else { return nil }
        guard text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let value = Int(text),
            range.contains(value)
        else {
            throw .invalidField(name: name, problem: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A name safe to echo in a message (bounded; it is already free of control characters).
    private static func printable(_ name: String) -> String {
        name.utf8.count <= 64 ? name : String(name.prefix(64)) + "…"
    }
}
