/// A request head validated as a WebSocket opening handshake (RFC 6455 §4.2.1).
public struct UpgradeRequest: Sendable, Hashable {
    /// The Host header value.
    public var host: String
    /// The request target.
    public var target: String
    /// The client's `Sec-WebSocket-Key` as sent (base64 of 16 bytes).
    public var key: String
    /// Offered subprotocols in the client's order of preference.
    public var subprotocols: [String]
    /// Offered extensions in the client's order.
    public var extensionOffers: [ExtensionOffer]
    /// The `Origin` header, if any (§4.2.1 item 7; the policy decides what to do with it).
    public var origin: String?

    /// Validates `head` against RFC 6455 §4.2.1.
    public init(validating head: HTTPRequestHead) throws(HandshakeError) {
        // RFC 6455 §4.2.1 (1): an HTTP/1.1 or higher GET request.
        guard head.method == "GET" else { throw .methodNotAllowed }
        guard head.version >= .http1_1 else { throw .httpVersionTooOld }
        // RFC 6455 §4.2.1 (2): a |Host| header field (RFC 7230 §5.4: a server MUST respond
        // with 400 to a request lacking Host or with more than one).
        guard head.count(ofName: "Host") == 1, let host = head.firstValue(forName: "Host") else { throw .invalidHost }
        // RFC 6455 §4.2.1 (3): an |Upgrade| header field containing the value "websocket",
        // treated as an ASCII case-insensitive value.
        guard head.listContains(name: "Upgrade", token: "websocket") else { throw .upgradeNotWebSocket }
        // RFC 6455 §4.2.1 (4): a |Connection| header field that includes the token
        // "Upgrade", treated as an ASCII case-insensitive value.
        guard head.listContains(name: "Connection", token: "upgrade") else { throw .connectionNotUpgrade }
        // RFC 6455 §4.2.1 (5): a |Sec-WebSocket-Key| header field with a base64-encoded value
        // that, when decoded, is 16 bytes in length (§11.3.1: MUST NOT appear more than once).
        guard head.count(ofName: "Sec-WebSocket-Key") == 1, let key = head.firstValue(forName: "Sec-WebSocket-Key"),
              Base64.decodedCount(key) == 16 else { throw .invalidKey }
        // RFC 6455 §4.2.1 (6): a |Sec-WebSocket-Version| header field, with a value of 13;
        // §4.4: otherwise 426 with the supported version.
        let versionCount = head.count(ofName: "Sec-WebSocket-Version")
        guard versionCount > 0 else { throw .missingVersion }
        guard versionCount == 1, head.firstValue(forName: "Sec-WebSocket-Version") == "13" else { throw .unsupportedVersion }
        // RFC 6455 §4.2.1 (8): optionally, a |Sec-WebSocket-Protocol| header field, with a
        // list of values (§4.1: each a token, the protocols in order of preference).
        var subprotocols: [String] = []
        for field in head.headers where HeaderGrammar.equalsIgnoringCase(field.name, "Sec-WebSocket-Protocol") {
            guard HeaderGrammar.appendTokens(of: field.value, to: &subprotocols) else { throw .malformedSubprotocols }
        }
        // RFC 6455 §4.2.1 (9): optionally, a |Sec-WebSocket-Extensions| header field (§9.1).
        var offers: [ExtensionOffer] = []
        for field in head.headers where HeaderGrammar.equalsIgnoringCase(field.name, "Sec-WebSocket-Extensions") {
            guard ExtensionOffer.appendOffers(of: field.value, to: &offers) else { throw .malformedExtensions }
        }
        self.host = host
        self.target = head.target
        self.key = key
        self.subprotocols = subprotocols
        self.extensionOffers = offers
        self.origin = head.firstValue(forName: "Origin")
    }
}
