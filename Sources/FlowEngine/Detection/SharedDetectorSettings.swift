/// One immutable copy of ``DetectorSettings`` that every detector built from the same
/// configuration points to. The settings are over 200 bytes and a server holds a detector
/// per live session, so a copy inside each detector cost 2 MiB per 10,000 sessions.
public final class SharedDetectorSettings: Hashable, Sendable {
    /// The settings.
    public let value: DetectorSettings

    public init(_ value: DetectorSettings) {
        self.value = value
    }

    public static func == (lhs: SharedDetectorSettings, rhs: SharedDetectorSettings) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
    }
}
