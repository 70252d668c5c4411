/// Which leaderboard a `leaderboard:…` channel shows: a period, a metric and, optionally,
/// one language (PROTOCOL.md "Channels").
///
/// `leaderboard:week:flow_time` is `LeaderboardChannel(period: .week, metric: .flowTime)`;
/// `leaderboard:day:coding_time:lang:swift` adds `language: "swift"`. Languages are kept in
/// their canonical form (ASCII lowercase, see ``canonicalLanguage(_:)``) so that the channel
/// name a client types and the language an editor reports meet in one key.
public struct LeaderboardChannel: Hashable, Sendable, CustomStringConvertible {
    /// The calendar period a board sums over.
    public enum Period: String, Hashable, Sendable, CaseIterable {
        case day, week, month
    }

    /// What a board ranks by.
    public enum Metric: String, Hashable, Sendable, CaseIterable {
        /// Active (coding) time in milliseconds.
        case codingTime = "coding_time"
        /// Time in the flow state in milliseconds.
        case flowTime = "flow_time"
    }

    /// Longest language name accepted in a channel or a score delta, in bytes.
    public static let maxLanguageBytes = 32

    public var period: Period
    public var metric: Metric
    /// Canonical language name, or `nil` for the global board.
    public var language: String?

    /// Creates a board description; `language` must already be canonical.
    public init(period: Period, metric: Metric, language: String? = nil) {
        self.period = period
        self.metric = metric
        self.language = language
    }

    /// The wire name, e.g. `leaderboard:day:coding_time:lang:swift`.
    public var description: String {
        var name = "leaderboard:" + period.rawValue + ":" + metric.rawValue
        if let language { name += ":lang:" + language }
        return name
    }

    /// The canonical form of a language name: ASCII letters lowercased; digits and
    /// `+ # . _ -` kept (`c++`, `c#`, `objective-c`); 1…32 bytes. `nil` when the name is
    /// empty, too long or holds any other byte.
    public static func canonicalLanguage(_ name: String) -> String? {
        // One pass over the contiguous bytes (a native string's always are): the leaderboard
        // owner canonicalizes every score delta's language, and the UTF-8 view's iterator
        // costs several times as much per byte.
        let form =
            name.utf8.withContiguousStorageIfAvailable(languageForm)
            ?? Array(name.utf8).withUnsafeBufferPointer(languageForm)
        switch form {
        case .invalid:
            return nil
        case .canonical:
            // Editors mostly report the canonical form already: then it is the name itself,
            // with no copy.
            return name
        case .uppercase:
            return String(
                decoding: name.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 },
                as: UTF8.self)
        }
    }

    /// What ``canonicalLanguage(_:)`` makes of a name's bytes.
    private enum LanguageForm {
        case invalid, canonical, uppercase
    }

    private static func languageForm(_ bytes: UnsafeBufferPointer<UInt8>) -> LanguageForm {
        guard bytes.count > 0, bytes.count <= maxLanguageBytes else { return .invalid }
        var upper = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "+"), UInt8(ascii: "#"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                upper = true
            default:
                return .invalid
            }
        }
        return upper ? .uppercase : .canonical
    }
}
