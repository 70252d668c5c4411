/// A close status code (RFC 6455 §7.4).
///
/// A struct so that any code received on the wire can be represented; named constants
/// cover the registered codes, with their number in the doc comment.
public struct CloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit status code.
    public let rawValue: UInt16

    /// Wraps any 16-bit value; check `isValidReceived` before trusting it.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// 1000: normal closure; the purpose for which the connection was established is fulfilled.
    public static let normalClosure = CloseCode(rawValue: 1000)
    /// 1001: the endpoint is going away (server shutting down, browser navigating away).
    public static let goingAway = CloseCode(rawValue: 1001)
    /// 1002: the connection is terminated because of a protocol error.
    public static let protocolError = CloseCode(rawValue: 1002)
    /// 1003: received a type of data the endpoint cannot accept.
    public static let unsupportedData = CloseCode(rawValue: 1003)
    /// 1004: reserved; MUST NOT be sent.
    public static let reserved = CloseCode(rawValue: 1004)
    /// 1005: "no status code was actually present"; MUST NOT be set in a Close frame.
    public static let noStatusReceived = CloseCode(rawValue: 1005)
    /// 1006: closed abnormally without a Close frame; MUST NOT be set in a Close frame.
    public static let abnormalClosure = CloseCode(rawValue: 1006)
    /// 1007: message data inconsistent with its type (e.g. non-UTF-8 in a text message).
    public static let invalidFramePayloadData = CloseCode(rawValue: 1007)
    /// 1008: a message violates the endpoint's policy.
    public static let policyViolation = CloseCode(rawValue: 1008)
    /// 1009: a message is too big to process.
    public static let messageTooBig = CloseCode(rawValue: 1009)
    /// 1010: the client expected the server to negotiate an extension (client only).
    public static let mandatoryExtension = CloseCode(rawValue: 1010)
    /// 1011: the server met an unexpected condition.
    public static let internalError = CloseCode(rawValue: 1011)
    /// 1012: service restart (IANA registry).
    public static let serviceRestart = CloseCode(rawValue: 1012)
    /// 1013: try again later (IANA registry).
    public static let tryAgainLater = CloseCode(rawValue: 1013)
    /// 1014: bad gateway (IANA registry).
    public static let badGateway = CloseCode(rawValue: 1014)
    /// 1015: TLS handshake failure; MUST NOT be set in a Close frame.
    public static let tlsHandshakeFailure = CloseCode(rawValue: 1015)

    /// Whether a Close frame carrying this code is acceptable from a peer (RFC 6455 §7.4).
    ///
    /// RFC 6455 §7.4.1/§7.4.2: 0-999 are not used; 1004, 1005, 1006 and 1015 MUST NOT be set
    /// in a Close frame; 1016-2999 are reserved for future revisions of the RFC; 3000-3999 are
    /// registered with IANA and 4000-4999 are private. 1012-1014 were registered with IANA
    /// after the RFC and are accepted.
    @inlinable public var isValidReceived: Bool {
        switch rawValue {
        case 1000...1003, 1007...1011, 1012...1014, 3000...4999: return true
        default: return false  // integer switch over the remaining ranges
        }
    }

    /// Whether this endpoint may put the code in a Close frame: the same set as
    /// `isValidReceived` (the RFC forbids sending exactly the codes it forbids receiving).
    @inlinable public var isSendable: Bool { isValidReceived }

    public var description: String { String(rawValue) }
}
