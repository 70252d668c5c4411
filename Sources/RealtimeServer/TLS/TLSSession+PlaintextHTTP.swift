extension TLSSession {
    /// True when `byte` cannot start a TLS record but can start an HTTP request line.
    ///
    /// A TLS connection opens with a record whose content type is 20–24 (RFC 8446 §5.1;
    /// a ClientHello is 22 = 0x16). An HTTP/1.1 request opens with a method token
    /// (RFC 9110 §9), and every registered method is upper-case ASCII (GET, POST, HEAD,
    /// PUT, OPTIONS, …). So one byte decides, without waiting for more.
    static func startsPlaintextHTTP(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }

    /// The cleartext answer to a plaintext HTTP request on the TLS port.
    ///
    /// Decision: answer instead of just closing. Nothing about the TLS handshake is
    /// leaked (no TLS byte was exchanged yet), and a developer who typed `ws://` or
    /// `http://` sees why it fails instead of "connection reset" (nginx does the same
    /// with its status 497 page). The connection then closes after the flush.
    static let plaintextHTTPReply: [UInt8] = {
        let body = "This port speaks TLS. Use https:// or wss:// instead.\n"
        let head =
            "HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n"
        return Array((head + body).utf8)
    }()
}
