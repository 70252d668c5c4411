/// An HTTP error response that ends the connection (refused upgrade, malformed request).
public struct HTTPRejection: Sendable, Equatable {
    /// Status code (400, 405, 426, 431, ...).
    public var status: Int
    /// Extra headers (Allow, Upgrade, Sec-WebSocket-Version, ...).
    public var headers: [HTTPHeader]
    /// Plain-text body saying what was wrong.
    public var body: String

    /// Creates a rejection.
    public init(status: Int, headers: [HTTPHeader] = [], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The response for a refused handshake.
    public init(_ error: HandshakeError) {
        self.init(status: error.httpStatus, headers: error.responseHeaders, body: error.reason)
    }

    /// The response for a malformed or oversized request head.
    public init(_ error: HTTPRequestError) {
        self.init(status: error.httpStatus, body: error.reason)
    }

    /// Appends the full response with `Connection: close`, `Content-Type` and `Content-Length`.
    public func write(into output: inout ByteWriter) {
        let text = body + "\n"
        HTTPResponseWriter.write(
            status: status, headers: headers + [HTTPHeader(name: "Connection", value: "close")],
            contentType: "text/plain; charset=utf-8", body: Array(text.utf8), into: &output)
    }
}
