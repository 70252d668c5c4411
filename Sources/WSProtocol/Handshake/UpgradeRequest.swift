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
        let hosts = head.values(forName: "Host")
        guard hosts.count == 1, let host = hosts.first else { throw .invalidHost }
        // RFC 6455 §4.2.1 (3): an |Upgrade| header field containing the value "websocket",
        // treated as an ASCII case-insensitive value.
        let upgrade = HeaderGrammar.listElements(head.values(forName: "Upgrade")) ?? []
        guard upgrade.contains(where: { HeaderGrammar.equalsIgnoringCase($0, "websocket") }) else {
            throw .upgradeNotWebSocket
        }
        // RFC 6455 §4.2.1 (4): a |Connection| header field that includes the token
        // "Upgrade", treated as an ASCII case-insensitive value.
        let connection = HeaderGrammar.listElements(head.values(forName: "Connection")) ?? []
        guard connection.contains(where: { HeaderGrammar.equalsIgnoringCase($0, "upgrade") }) else {
            throw .connectionNotUpgrade
        }
        // RFC 6455 §4.2.1 (5): a |Sec-WebSocket-Key| header field with a base64-encoded value
        // that, when decoded, is 16 bytes in length (§11.3.1: MUST NOT appear more than once).
        let keys = head.values(forName: "Sec-WebSocket-Key")
        guard keys.count == 1, let key = keys.first, Base64.decode(key)?.count == 16 else { throw .invalidKey }
        // RFC 6455 §4.2.1 (6): a |Sec-WebSocket-Version| header field, with a value of 13;
        // §4.4: otherwise 426 with the supported version.
        let versions = head.values(forName: "Sec-WebSocket-Version")
        guard !versions.isEmpty else { throw .missingVersion }
        guard versions.count == 1, versions[0] == "13" else { throw .unsupportedVersion }
        // RFC 6455 §4.2.1 (8): optionally, a |Sec-WebSocket-Protocol| header field, with a
        // list of values (§4.1: each a token, the protocols in order of preference).
        let protocolValues = head.values(forName: "Sec-WebSocket-Protocol")
        guard let subprotocols = HeaderGrammar.tokenList(protocolValues) else { throw .malformedSubprotocols }
        // RFC 6455 §4.2.1 (9): optionally, a |Sec-WebSocket-Extensions| header field (§9.1).
        guard let offers = ExtensionOffer.parseList(head.values(forName: "Sec-WebSocket-Extensions")) else {
            throw .malformedExtensions
        }
        self.host = host
        self.target = head.target
        self.key = key
        self.subprotocols = subprotocols
        self.extensionOffers = offers
        self.origin = head.firstValue(forName: "Origin")
    }
}
