/// The rule for every name a person reads back on a dashboard or in a terminal: user
/// names, display names and team names. A control character (U+0000–U+001F, DEL, and the
/// C1 range U+0080–U+009F) could rewrite a terminal line or hide text in a log, so none is
/// allowed; the length bound keeps boards and tables readable.
public enum AccountName {
    /// Longest name, in characters.
    public static let maxCharacters = 64

    /// Why a name is refused.
    public enum Problem: Error, Hashable, CustomStringConvertible {
        case empty
        case tooLong(characters: Int)
        case controlCharacter(Unicode.Scalar)

        public var description: String {
            switch self {
            case .empty: "must not be empty"
            case .tooLong(let characters): "must be at most \(AccountName.maxCharacters) characters (it has \(characters))"
            case .controlCharacter(let scalar):
                "must not contain control characters (U+0000–U+001F, U+007F–U+009F); found U+\(AccountName.hex(scalar.value))"
            }
        }
    }

    /// The first problem with `name`, or nil when it is acceptable.
    public static func problem(with name: String) -> Problem? {
        if name.isEmpty { return .empty }
        if let scalar = name.unicodeScalars.first(where: { $0.properties.generalCategory == .control }) {
            return .controlCharacter(scalar)
        }
        let characters = name.count
        return characters > maxCharacters ? .tooLong(characters: characters) : nil
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
