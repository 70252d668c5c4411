/// Server side of the permessage-deflate negotiation (RFC 7692 §5 and §7.1).
///
/// Input is the client's `Sec-WebSocket-Extensions` offers, already split into elements
/// and parameters by the header parser (values unquoted, RFC 6455 §9.1); this file uses a
/// small input type of its own (`Offer`) so that it does not depend on that parser;
/// `Adapters/DeflateNegotiation+ExtensionOffer.swift` connects it to the handshake.
///
/// The server never fails the connection over an offer: RFC 7692 §7.1 tells the *client*
/// to fail the connection on a bad response, and tells the *server* to decline a bad offer:
/// "A server MUST decline an extension negotiation offer for this extension if any of the
/// following conditions are met: the negotiation offer contains an extension parameter not
/// defined for use in an offer; [...] an extension parameter with an invalid value; [...]
/// multiple extension parameters with the same name; the server doesn't support the
/// offered configuration." Declining one offer moves on to the client's next alternative
/// (RFC 7692 §5: the offers are listed in the client's order of preference); declining all
/// of them means the connection runs without compression.
public enum DeflateNegotiation {
    /// The registered extension name (RFC 7692 §7).
    public static let extensionName = "permessage-deflate"

    /// One `name[=value]` extension parameter of an offer, value already unquoted.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String?
        public init(_ name: String, _ value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    /// One element of `Sec-WebSocket-Extensions`: an extension name and its parameters.
    public struct Offer: Sendable, Equatable {
        public var name: String
        public var parameters: [Parameter]
        public init(name: String, parameters: [Parameter] = []) {
            self.name = name
            self.parameters = parameters
        }
    }

    /// A valid permessage-deflate offer, parsed.
    public struct ClientOffer: Sendable, Equatable {
        public var serverNoContextTakeover = false
        public var clientNoContextTakeover = false
        /// `server_max_window_bits=N`, nil when absent.
        public var serverMaxWindowBits: Int?
        /// `client_max_window_bits`: nil when absent, `.some(nil)` without a value (the
        /// client supports the parameter), `.some(N)` with the client's hint N.
        public var clientMaxWindowBits: Int??
        public init() {}
    }

    /// Why an offer was declined (for logs and tests; never sent to the peer).
    public enum OfferRejection: Error, Sendable, Equatable {
        /// RFC 7692 §7.1: "an extension parameter not defined for use in an offer".
        case unknownParameter(String)
        /// RFC 7692 §7.1: "multiple extension parameters with the same name".
        case duplicateParameter(String)
        /// RFC 7692 §7.1: "an extension parameter with an invalid value".
        case invalidValue(parameter: String, value: String?)
    }

    /// The outcome of a successful negotiation.
    public struct Agreement: Sendable, Equatable {
        /// What both compressors may do.
        public var parameters: DeflateParameters
        /// The element to put in the response's `Sec-WebSocket-Extensions` header.
        public var responseHeaderValue: String
        /// Index in `offers` of the accepted offer.
        public var acceptedOfferIndex: Int
    }

    /// Picks the first permessage-deflate offer the server can accept and builds the
    /// response. Returns nil when compression is disabled or every offer was declined.
    /// Offers for other extensions are skipped (they are not ours to judge).
    public static func negotiate(offers: [Offer], configuration: DeflateConfiguration) -> Agreement? {
        guard configuration.isEnabled else { return nil }
        for (index, offer) in offers.enumerated() where isExtensionName(offer.name) {
            // RFC 7692 §7.1: a server MUST decline an invalid offer; try the next one.
            guard let parsed = try? parse(offer) else { continue }
            var agreement = accept(parsed, configuration: configuration)
            agreement.acceptedOfferIndex = index
            return agreement
        }
        return nil
    }

    /// Validates the parameters of one permessage-deflate offer (RFC 7692 §7.1).
    public static func parse(_ offer: Offer) throws(OfferRejection) -> ClientOffer {
        var result = ClientOffer()
        var seen: Set<String> = []
        for parameter in offer.parameters {
            // RFC 7692 §7.1: multiple extension parameters with the same name → decline.
            guard seen.insert(parameter.name).inserted else {
                throw .duplicateParameter(parameter.name)
            }
            switch parameter.name {
            case "server_no_context_takeover":
                // RFC 7692 §7.1.1.1: "This extension parameter has no value."
                guard parameter.value == nil else { throw .invalidValue(parameter: parameter.name, value: parameter.value) }
                result.serverNoContextTakeover = true
            case "client_no_context_takeover":
                // RFC 7692 §7.1.1.2: "This extension parameter has no value."
                guard parameter.value == nil else { throw .invalidValue(parameter: parameter.name, value: parameter.value) }
                result.clientNoContextTakeover = true
            case "server_max_window_bits":
                // RFC 7692 §7.1.2.1: "This parameter has a decimal integer value without
                // leading zeroes between 8 to 15, inclusive".
                guard let bits = windowBits(parameter.value) else {
                    throw .invalidValue(parameter: parameter.name, value: parameter.value)
                }
                result.serverMaxWindowBits = bits
            case "client_max_window_bits":
                // RFC 7692 §7.1.2.2: "This parameter has no value or a decimal integer value
                // without leading zeroes between 8 to 15 inclusive".
                if let value = parameter.value {
                    guard let bits = windowBits(value) else {
                        throw .invalidValue(parameter: parameter.name, value: value)
                    }
                    result.clientMaxWindowBits = .some(bits)
                } else {
                    result.clientMaxWindowBits = .some(nil)
                }
            default:
                // RFC 7692 §7.1: "an extension parameter not defined for use in an offer".
                throw .unknownParameter(parameter.name)
            }
        }
        return result
    }

    /// Builds the response to a valid offer. Every valid offer is acceptable to this server
    /// (see `DeflateParameters.compressesOutbound` for `server_max_window_bits=8`).
    static func accept(_ offer: ClientOffer, configuration: DeflateConfiguration) -> Agreement {
        var parameters = DeflateParameters()

        // RFC 7692 §7.1.1.1: "A server accepts an extension negotiation offer that includes
        // the "server_no_context_takeover" extension parameter by including [it] in the
        // corresponding extension negotiation response"; and "A server MAY include [it] in
        // an extension negotiation response even if the extension negotiation offer being
        // accepted by the response didn't include" it.
        parameters.serverNoContextTakeover = offer.serverNoContextTakeover || configuration.serverNoContextTakeover

        // RFC 7692 §7.1.1.2: "A server MAY include the "client_no_context_takeover" extension
        // parameter in an extension negotiation response. If the received extension
        // negotiation offer includes [it], the server may either ignore the parameter or use
        // the parameter to avoid taking over the LZ77 sliding window unnecessarily". We use
        // it: once it is in the response the inflater may be released between messages.
        parameters.clientNoContextTakeover = offer.clientNoContextTakeover || configuration.requestClientNoContextTakeover

        // RFC 7692 §7.1.2.1: "A server accepts an extension negotiation offer with this
        // parameter by including the "server_max_window_bits" extension parameter in the
        // extension negotiation response to send back to the client with the same or smaller
        // value as the offer"; and "A server MAY include [it] in an extension negotiation
        // response even if the extension negotiation offer [...] didn't include" it.
        let serverBits = min(configuration.serverMaxWindowBits, offer.serverMaxWindowBits ?? 15)
        parameters.serverMaxWindowBits = serverBits
        let includeServerBits = offer.serverMaxWindowBits != nil || serverBits < 15

        // RFC 7692 §7.1.2.2: "If a received extension negotiation offer doesn't have the
        // "client_max_window_bits" extension parameter, the corresponding extension
        // negotiation response to the offer MUST NOT include" it; then the client may use a
        // 32 KiB window and the inflater must have one. With the parameter, the server "may
        // [...] use this value to avoid allocating an unnecessarily big LZ77 sliding window
        // [...] with a value equal to or smaller than the received value".
        let includeClientBits: Bool
        switch offer.clientMaxWindowBits {
        case .none:
            parameters.clientMaxWindowBits = 15
            includeClientBits = false
        case .some(let hint):
            let clientBits = min(configuration.clientMaxWindowBits, hint ?? 15)
            parameters.clientMaxWindowBits = clientBits
            // Absence means 15 (RFC 7692 §7.1.2.2), so 15 needs no parameter.
            includeClientBits = clientBits < 15
        }

        let header = parameters.responseHeaderValue(
            includeServerMaxWindowBits: includeServerBits,
            includeClientMaxWindowBits: includeClientBits
        )
        return Agreement(parameters: parameters, responseHeaderValue: header, acceptedOfferIndex: 0)
    }

    /// Whether `name` is "permessage-deflate", compared ASCII case-insensitively like the
    /// other extension tokens of `Sec-WebSocket-Extensions`. (Parameter names are matched
    /// exactly, as RFC 7692 spells them.)
    static func isExtensionName(_ name: String) -> Bool {
        name.utf8.count == extensionName.utf8.count
            && zip(name.utf8, extensionName.utf8).allSatisfy { a, b in a == b || (a | 0x20) == b && (0x61...0x7a).contains(b) }
    }

    /// "8"..."15" exactly: ASCII digits, no sign, no leading zero, no whitespace.
    static func windowBits(_ value: String?) -> Int? {
        guard let value else { return nil }
        let digits = Array(value.utf8)
        switch digits.count {
        case 1 where digits[0] == UInt8(ascii: "8") || digits[0] == UInt8(ascii: "9"):
            return Int(digits[0] - UInt8(ascii: "0"))
        case 2 where digits[0] == UInt8(ascii: "1") && (UInt8(ascii: "0")...UInt8(ascii: "5")).contains(digits[1]):
            return 10 + Int(digits[1] - UInt8(ascii: "0"))
        default:
            return nil
        }
    }
}
