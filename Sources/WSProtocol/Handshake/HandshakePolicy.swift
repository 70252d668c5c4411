/// What the server accepts in an opening handshake.
public struct HandshakePolicy: Sendable {
    /// Supported subprotocols in the server's order of preference.
    public var subprotocols: [String]
    /// Refuse (400) a client that offers subprotocols, none of them supported. When false
    /// the connection proceeds without a subprotocol (RFC 6455 §4.2.2 allows either).
    public var rejectUnknownSubprotocols: Bool
    /// Extension negotiation (permessage-deflate plugs in here): receives every offer in the
    /// client's order and returns the ones accepted, with the response parameters. Unknown
    /// extensions are simply not accepted (RFC 6455 §9.1). Nil accepts no extension.
    public var negotiateExtensions: (@Sendable ([ExtensionOffer]) -> ExtensionNegotiationResult)?

    /// Creates a policy.
    public init(
        subprotocols: [String] = [], rejectUnknownSubprotocols: Bool = false,
        negotiateExtensions: (@Sendable ([ExtensionOffer]) -> ExtensionNegotiationResult)? = nil
    ) {
        precondition(subprotocols.allSatisfy(HeaderGrammar.isToken), "HandshakePolicy: subprotocols must be tokens")
        self.subprotocols = subprotocols
        self.rejectUnknownSubprotocols = rejectUnknownSubprotocols
        self.negotiateExtensions = negotiateExtensions
    }
}

/// What the extension negotiation hook decided.
public enum ExtensionNegotiationResult: Sendable, Equatable {
    /// Use these extensions (possibly none), in this order, with these response parameters.
    case accepted([ExtensionOffer])
    /// Refuse the handshake with 400 (e.g. a client requiring an impossible parameter).
    case rejected(reason: String)
}
