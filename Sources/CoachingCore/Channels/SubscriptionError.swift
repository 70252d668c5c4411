/// Why a subscription could not be added to a ``SubscriptionRegistry``.
///
/// A full subscription table is a client-side limit: it is reported as the application
/// error `too_large` with a message that states the limit (PROTOCOL.md "Error codes"); the
/// connection stays open.
public enum SubscriptionError: Error, Hashable, Sendable {
    /// The connection already holds the configured maximum number of subscriptions.
    case tooManySubscriptions(limit: Int)

    /// The stable application error code.
    public var code: String {
        switch self {
        case .tooManySubscriptions: "too_large"
        }
    }

    /// Human-readable text for the `error` message.
    public var message: String {
        switch self {
        case .tooManySubscriptions(let limit):
            "channel: at most \(limit) subscriptions per connection; unsubscribe from one first"
        }
    }
}
