public import CoachingCore

/// Turns a presented bearer token into the account it belongs to.
///
/// Runs on the thread that owns the store: a `StoreReader`'s in the server (every new
/// connection asks the store; there is no token cache, so a revoked token stops working at
/// once), the main thread in the admin CLI. `AccessToken.matches(_:)` checks a record already
/// in hand without a store.
public enum TokenAuthenticator {
    /// What a presented token turned out to be.
    public enum Verification: Sendable, Hashable {
        /// Valid: the token record and its user.
        case valid(TokenRecord, User)
        /// Not of the `fc_<scope>_<id>_<secret>` shape.
        case malformed
        /// Well-formed but unknown, or its secret does not match.
        case unknown
        /// It was revoked.
        case revoked
    }

    /// Looks the token up by its public id and compares the SHA-256 of the presented text
    /// with the stored one in constant time.
    public static func verify(_ presented: String, in store: any Store) throws(StoreError) -> Verification {
        guard let token = AccessToken(parsing: presented) else { return .malformed }
        guard let record = try store.token(id: token.id),
            TokenDigest.constantTimeEquals(record.secretHash, token.secretHash), record.scope == token.scope
        else { return .unknown }
        guard !record.isRevoked else { return .revoked }
        guard let user = try store.user(id: record.userId) else { return .unknown }
        return .valid(record, user)
    }
}
