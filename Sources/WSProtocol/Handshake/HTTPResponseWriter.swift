/// Writes plain HTTP/1.1 responses (rejections, /healthz, 404, metrics).
public enum HTTPResponseWriter {
    /// Appends `HTTP/1.1 <status> <reason>`, the headers, `Content-Type` when given,
    /// `Content-Length`, an empty line and the body.
    ///
    /// - Precondition: header names are tokens and values contain no CR or LF (response
    ///   splitting is a local bug, not a peer error).
    public static func write<Body: Collection<UInt8>>(
        status: Int, reason: String? = nil, headers: [HTTPHeader] = [], contentType: String? = nil,
        body: Body, into output: inout ByteWriter
    ) {
        precondition((100...999).contains(status), "HTTPResponseWriter: invalid status \(status)")
        var text = "HTTP/1.1 \(status) \(reason ?? reasonPhrase(for: status))\r\n"
        for header in headers {
            precondition(HeaderGrammar.isToken(header.name), "HTTPResponseWriter: header name \(header.name)")
            precondition(!header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }), "HTTPResponseWriter: CR/LF in value")
            text += "\(header.name): \(header.value)\r\n"
        }
        if let contentType { text += "Content-Type: \(contentType)\r\n" }
        text += "Content-Length: \(body.count)\r\n\r\n"
        output.append(contentsOf: text.utf8)
        output.append(contentsOf: body)
    }

    /// The standard reason phrase for common statuses (RFC 7231 §6.1).
    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 101: return "Switching Protocols"
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 301: return "Moved Permanently"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Content Too Large"
        case 426: return "Upgrade Required"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }
}
