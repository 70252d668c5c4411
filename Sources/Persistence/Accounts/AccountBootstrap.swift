public import CoachingCore

/// First start on an empty store: a local user and an ingest token, so `flowcoach serve`
/// works out of the box; the caller prints the token once.
public enum AccountBootstrap {
    /// What `createFirstAccountIfEmpty` made; `token.text` must be shown once and dropped.
    public struct FirstAccount: Sendable {
        public let user: User
        public let token: AccessToken
    }

    /// When the store has no user at all, creates user `name` and an ingest token for it.
    /// Returns nil (and changes nothing) when any user exists.
    ///
    /// - Parameters:
    ///   - id: the new user's id (a lowercase UUID; the caller generates it).
    ///   - nowMs: creation time.
    public static func createFirstAccountIfEmpty(
        in store: any Store, name: String = "local", id: String, timeZone: String = "UTC", nowMs: Int64
    ) throws(StoreError) -> FirstAccount? {
        guard try store.users().isEmpty else { return nil }
        let user = User(id: id, name: name, displayName: name, timeZone: timeZone, createdAtMs: nowMs)
        try store.createUser(user)
        let token = AccessToken.generate(scope: .ingest)
        try store.createToken(TokenRecord(id: token.id, userId: user.id, scope: .ingest, secretHash: token.secretHash, createdAtMs: nowMs))
        return FirstAccount(user: user, token: token)
    }
}
