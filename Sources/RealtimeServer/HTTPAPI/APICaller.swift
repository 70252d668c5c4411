import CoachingCore
import Persistence

/// The authenticated caller of one request: the token's user is the only user whose data
/// the request can reach.
struct APICaller: Sendable {
    let user: User
    let token: TokenRecord
    /// The user's local calendar (days and hours in their time zone).
    let calendar: UserCalendar

    /// Longest `Authorization` credential looked at (a token is 60 bytes).
    static let maxTokenBytes = 256

    /// Verifies the bearer token against the store (RFC 6750 §2.1). Both scopes may use
    /// the API: `read` tokens are made for it, and an `ingest` token belongs to the same
    /// person.
    static func authenticate(_ bearerToken: String?, in store: any Store) throws(APIError) -> APICaller {
        guard let bearerToken, !bearerToken.isEmpty else { throw .unauthorized(.missing) }
        guard bearerToken.utf8.count <= maxTokenBytes else { throw .unauthorized(.malformed) }
        let verification: TokenAuthenticator.Verification
        do {
            verification = try TokenAuthenticator.verify(bearerToken, in: store)
        } catch {
            throw APIError(error)
        }
        switch verification {
        case .valid(let token, let user):
            return APICaller(user: user, token: token, calendar: UserCalendar(timeZoneIdentifier: user.timeZone))
        case .malformed: throw .unauthorized(.malformed)
        case .unknown: throw .unauthorized(.unknown)
        case .revoked: throw .unauthorized(.revoked)
        }
    }
}
