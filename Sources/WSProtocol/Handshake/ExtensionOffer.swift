/// One parameter of an extension offer: `name` or `name=value`.
public struct ExtensionParameter: Sendable, Hashable {
    /// Parameter name (a token).
    public var name: String
    /// Value after unquoting, nil for a bare parameter.
    public var value: String?

    /// Creates a parameter.
    public init(name: String, value: String? = nil) {
        self.name = name
        self.value = value
    }
}

/// An extension with its parameters, as offered in or accepted for
/// `Sec-WebSocket-Extensions` (RFC 6455 §9.1), e.g. `permessage-deflate; client_max_window_bits`.
public struct ExtensionOffer: Sendable, Hashable {
    /// Extension name (a token, compared case-insensitively).
    public var name: String
    /// Parameters in order.
    public var parameters: [ExtensionParameter]

    /// Creates an offer.
    public init(name: String, parameters: [ExtensionParameter] = []) {
        self.name = name
        self.parameters = parameters
    }

    /// Parses all `Sec-WebSocket-Extensions` field values (RFC 6455 §9.1):
    /// `extension-list = 1#extension; extension = extension-token *( ";" extension-param );
    /// extension-param = token [ "=" (token | quoted-string) ]`.
    ///
    /// - Returns: nil when the syntax is invalid.
    public static func parseList(_ values: [String]) -> [ExtensionOffer]? {
        var offers: [ExtensionOffer] = []
        for value in values {
            guard appendOffers(of: value, to: &offers) else { return nil }
        }
        return offers
    }

    /// Appends the offers of one field value; false when its syntax is invalid.
    static func appendOffers(of value: String, to offers: inout [ExtensionOffer]) -> Bool {
        var valid = true
        let terminated = HeaderGrammar.forEachListElement(value) { element in
            guard valid, let offer = parseElement(element) else {
                valid = false
                return
            }
            offers.append(offer)
        }
        return terminated && valid
    }

    /// One element: the name, then parameters split on ";" outside quoted strings.
    private static func parseElement(_ element: Substring) -> ExtensionOffer? {
        var name: String?
        var parameters: [ExtensionParameter] = []
        var valid = true
        func part(_ text: Substring) {
            guard valid else { return }
            let trimmed = HeaderGrammar.trimmingOWS(text)
            if name == nil {
                guard HeaderGrammar.isToken(trimmed) else {
                    valid = false
                    return
                }
                name = HeaderGrammar.interned(trimmed)
            } else if let parameter = parseParameter(trimmed) {
                parameters.append(parameter)
            } else {
                valid = false
            }
        }
        let bytes = element.utf8
        var inQuotes = false
        var escaped = false
        var partStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inQuotes {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inQuotes = false }
            } else if byte == UInt8(ascii: ";") {
                part(element[partStart..<index])
                partStart = bytes.index(after: index)
            } else if byte == UInt8(ascii: "\"") {
                inQuotes = true
            }
            index = bytes.index(after: index)
        }
        part(element[partStart..<bytes.endIndex])
        guard valid, let name else { return nil }
        return ExtensionOffer(name: name, parameters: parameters)
    }

    private static func parseParameter(_ text: Substring) -> ExtensionParameter? {
        guard let equals = text.firstIndex(of: "=") else {
            return HeaderGrammar.isToken(text) ? ExtensionParameter(name: HeaderGrammar.interned(text)) : nil
        }
        let name = HeaderGrammar.trimmingOWS(text[..<equals])
        let rawValue = HeaderGrammar.trimmingOWS(text[text.index(after: equals)...])
        guard HeaderGrammar.isToken(name) else { return nil }
        if rawValue.hasPrefix("\"") {
            // RFC 6455 §9.1: when using the quoted-string syntax variant, the value after
            // quoted-string unescaping MUST conform to the 'token' ABNF.
            guard let value = HeaderGrammar.unquote(rawValue), HeaderGrammar.isToken(value) else { return nil }
            return ExtensionParameter(name: HeaderGrammar.interned(name), value: value)
        }
        return HeaderGrammar.isToken(rawValue)
            ? ExtensionParameter(name: HeaderGrammar.interned(name), value: String(rawValue)) : nil
    }

    /// The element as it appears in a header: `name; param; param=value`.
    public var headerValue: String {
        var out = name
        for parameter in parameters {
            out += "; " + parameter.name
            if let value = parameter.value { out += "=" + HeaderGrammar.tokenOrQuoted(value) }
        }
        return out
    }
}
