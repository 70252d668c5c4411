/// Glue between the handshake's `ExtensionOffer` (Handshake/ExtensionOffer.swift) and the
/// permessage-deflate negotiation, which works on its own small input type.
extension DeflateNegotiation.Offer {
    /// The same element, in the negotiation's own type.
    public init(_ offer: ExtensionOffer) {
        self.init(name: offer.name, parameters: offer.parameters.map { DeflateNegotiation.Parameter($0.name, $0.value) })
    }
}

extension DeflateNegotiation.Agreement {
    /// The accepted element for `HandshakeResponse.extensions`, rendered by
    /// `ExtensionOffer.headerValue` exactly as `responseHeaderValue`.
    public var acceptedExtension: ExtensionOffer {
        var parameters: [ExtensionParameter] = []
        for element in responseHeaderValue.split(separator: ";").dropFirst() {
            let text = element.drop { $0 == " " }
            if let equals = text.firstIndex(of: "=") {
                parameters.append(ExtensionParameter(name: String(text[..<equals]), value: String(text[text.index(after: equals)...])))
            } else {
                parameters.append(ExtensionParameter(name: String(text)))
            }
        }
        return ExtensionOffer(name: DeflateNegotiation.extensionName, parameters: parameters)
    }
}

extension DeflateNegotiation {
    /// A `HandshakePolicy.negotiateExtensions` hook: accepts the first acceptable
    /// permessage-deflate offer (RFC 7692 §5) and no other extension; never rejects the
    /// handshake (RFC 7692 §7.1: the server declines bad offers, it does not fail).
    public static func handshakeHook(
        configuration: DeflateConfiguration
    ) -> @Sendable ([ExtensionOffer]) -> ExtensionNegotiationResult {
        { offers in
            guard let agreement = negotiate(offers: offers.map(Offer.init), configuration: configuration) else {
                return .accepted([])
            }
            return .accepted([agreement.acceptedExtension])
        }
    }
}

extension DeflateParameters {
    /// The parameters stated by a permessage-deflate response this server produced (the
    /// element the handshake accepted); nil for another extension or an unparseable one.
    /// RFC 7692 §7.1.2: absent window parameters mean 15.
    public init?(response: ExtensionOffer) {
        guard DeflateNegotiation.isExtensionName(response.name) else { return nil }
        self.init()
        for parameter in response.parameters {
            switch (parameter.name, parameter.value) {
            case ("server_no_context_takeover", nil): serverNoContextTakeover = true
            case ("client_no_context_takeover", nil): clientNoContextTakeover = true
            case ("server_max_window_bits", let value?):
                guard let bits = DeflateNegotiation.windowBits(value) else { return nil }
                serverMaxWindowBits = bits
            case ("client_max_window_bits", let value?):
                guard let bits = DeflateNegotiation.windowBits(value) else { return nil }
                clientMaxWindowBits = bits
            default:
                return nil
            }
        }
    }
}
