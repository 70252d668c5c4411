/// The server side of the opening handshake (RFC 6455 §4.2): a request head and a policy
/// in, a 101 response or an HTTP rejection out.
public enum Handshake {
    /// Validates the upgrade request and negotiates subprotocol and extensions.
    public static func accept(_ head: HTTPRequestHead, policy: HandshakePolicy) -> HandshakeDecision {
        switch negotiate(head, policy: policy) {
        case .success(let response): return .accept(response)
        case .failure(let error): return .reject(HTTPRejection(error))
        }
    }

    /// `accept` with the typed error (tests, logging).
    public static func negotiate(_ head: HTTPRequestHead, policy: HandshakePolicy) -> Result<HandshakeResponse, HandshakeError> {
        let request: UpgradeRequest
        do {
            request = try UpgradeRequest(validating: head)
        } catch {
            return .failure(error)
        }
        // RFC 6455 §4.2.2 (5.4): |Sec-WebSocket-Protocol|: either null or one of the values
        // the client sent; we pick the first one in the server's order of preference.
        let subprotocol = policy.subprotocols.first { request.subprotocols.contains($0) }
        if subprotocol == nil && !request.subprotocols.isEmpty && policy.rejectUnknownSubprotocols {
            return .failure(.noAcceptableSubprotocol)
        }
        var extensions: [ExtensionOffer] = []
        if let negotiateExtensions = policy.negotiateExtensions, !request.extensionOffers.isEmpty {
            switch negotiateExtensions(request.extensionOffers) {
            case .accepted(let accepted): extensions = accepted
            case .rejected(let reason): return .failure(.extensionsRejected(reason: reason))
            }
        }
        return .success(HandshakeResponse(subprotocol: subprotocol, extensions: extensions, request: request))
    }
}

/// The outcome of `Handshake.accept`.
public enum HandshakeDecision: Sendable {
    /// Send the 101 response and switch to WebSocket framing.
    case accept(HandshakeResponse)
    /// Send the rejection and close the connection.
    case reject(HTTPRejection)
}

/// A successful handshake: the 101 Switching Protocols response (RFC 6455 §4.2.2 step 5).
public struct HandshakeResponse: Sendable {
    /// The selected subprotocol, if any.
    public var subprotocol: String?
    /// The accepted extensions with their response parameters (the shell creates the
    /// matching `MessageTransform` from them).
    public var extensions: [ExtensionOffer]
    /// The validated request (path, origin, offers).
    public var request: UpgradeRequest

    /// Creates a response; the accept value derives from the request's key.
    public init(subprotocol: String?, extensions: [ExtensionOffer], request: UpgradeRequest) {
        self.subprotocol = subprotocol
        self.extensions = extensions
        self.request = request
    }

    /// The `Sec-WebSocket-Accept` value (computed again on each read: ``write(into:)``
    /// writes it without building a `String`).
    public var acceptKey: String { AcceptKey.compute(forKey: request.key) }

    /// The `Sec-WebSocket-Extensions` response value, nil when no extension was accepted.
    public var extensionHeader: String? {
        extensions.isEmpty ? nil : extensions.map(\.headerValue).joined(separator: ", ")
    }

    /// Appends the complete 101 response.
    public func write(into output: inout ByteWriter) {
        // RFC 6455 §4.2.2 (5.1-5.5): status 101, Upgrade: websocket, Connection: Upgrade,
        // Sec-WebSocket-Accept, and optionally the selected protocol and extensions.
        output.append(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
        output.appendWithUnsafeMutableBytes(maximumCount: AcceptKey.length) { AcceptKey.write(forKey: request.key, into: $0) }
        output.append("\r\n")
        if let subprotocol {
            output.append("Sec-WebSocket-Protocol: ")
            output.append(contentsOf: subprotocol.utf8)
            output.append("\r\n")
        }
        if !extensions.isEmpty {
            output.append("Sec-WebSocket-Extensions: ")
            for (index, offer) in extensions.enumerated() {
                if index > 0 { output.append(", ") }
                output.append(contentsOf: offer.headerValue.utf8)
            }
            output.append("\r\n")
        }
        output.append("\r\n")
    }
}

extension ByteWriter {
    /// Appends the UTF-8 bytes of a literal (no `String` built).
    mutating func append(_ literal: StaticString) {
        literal.withUTF8Buffer { append(UnsafeRawBufferPointer($0)) }
    }
}
