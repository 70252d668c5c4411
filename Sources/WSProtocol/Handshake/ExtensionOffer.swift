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
        guard let elements = HeaderGrammar.listElements(values) else { return nil }
        var offers: [ExtensionOffer] = []
        for element in elements {
            guard let offer = parseElement(element) else { return nil }
            offers.append(offer)
        }
        return offers
    }

    private static func parseElement(_ element: String) -> ExtensionOffer? {
        // Split on ";" outside quoted strings.
        var parts: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for ch in element.unicodeScalars {
            if inQuotes {
                if escaped { escaped = false } else if ch == "\\" { escaped = true } else if ch == "\"" { inQuotes = false }
                current.unicodeScalars.append(ch)
            } else if ch == ";" {
                parts.append(current)
                current = ""
            } else {
                if ch == "\"" { inQuotes = true }
                current.unicodeScalars.append(ch)
            }
        }
        parts.append(current)
        let trimmed = parts.map(trimOWS)
        guard let name = trimmed.first, HeaderGrammar.isToken(name) else { return nil }
        var parameters: [ExtensionParameter] = []
        for part in trimmed.dropFirst() {
            guard let parameter = parseParameter(part) else { return nil }
            parameters.append(parameter)
        }
        return ExtensionOffer(name: name, parameters: parameters)
    }

    private static func parseParameter(_ text: String) -> ExtensionParameter? {
        guard let equals = text.firstIndex(of: "=") else {
            return HeaderGrammar.isToken(text) ? ExtensionParameter(name: text) : nil
        }
        let name = trimOWS(String(text[..<equals]))
        let rawValue = trimOWS(String(text[text.index(after: equals)...]))
        guard HeaderGrammar.isToken(name) else { return nil }
        if rawValue.hasPrefix("\"") {
            // RFC 6455 §9.1: when using the quoted-string syntax variant, the value after
            // quoted-string unescaping MUST conform to the 'token' ABNF.
            guard let value = HeaderGrammar.unquote(rawValue), HeaderGrammar.isToken(value) else { return nil }
            return ExtensionParameter(name: name, value: value)
        }
        return HeaderGrammar.isToken(rawValue) ? ExtensionParameter(name: name, value: rawValue) : nil
    }

    private static func trimOWS(_ s: String) -> String {
        var slice = Substring(s)
        while let f = slice.first, f == " " || f == "\t" { slice.removeFirst() }
        while let l = slice.last, l == " " || l == "\t" { slice.removeLast() }
        return String(slice)
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
