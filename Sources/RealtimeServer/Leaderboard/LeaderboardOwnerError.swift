import CoachingCore
/// Why the leaderboard owner could not start.
public enum LeaderboardOwnerError: Error, Hashable, Sendable {
    /// `pthread_create` failed with this error number (resource limits).
    case threadCreationFailed(errno: Int32)

    /// Human-readable text for the start-up log.
    public var message: String {
        switch self {
        case .threadCreationFailed(let errno):
            "leaderboards: could not start the owner thread (pthread_create error \(errno))"
        }
    }
}
