/// The body of a Close frame (RFC 6455 §5.5.1): an optional 2-byte status code followed by
/// an optional UTF-8 reason.
public struct ClosePayload: Sendable, Hashable {
    /// The status code; nil for an empty body (reported to the application as 1005).
    public var code: CloseCode?
    /// The reason text; empty when absent.
    public var reason: String

    /// The longest reason that fits a control frame: 125 - 2 bytes of code.
    public static let maximumReasonLength = 123

    /// Creates a payload to send. A reason longer than 123 bytes is cut at the last whole
    /// character that fits (a server should not trap on an application's long string).
    public init(code: CloseCode?, reason: String = "") {
        self.code = code
        self.reason = code == nil ? "" : ClosePayload.truncated(reason)
    }

    /// Parses a received Close body.
    ///
    /// - Throws: `.invalidClosePayloadLength` for a 1-byte body, `.invalidCloseCode` for a
    ///   code that must not be on the wire, `.invalidUTF8` for a reason that is not UTF-8.
    public init(parsing body: UnsafeRawBufferPointer) throws(ProtocolViolation) {
        if body.isEmpty {
            self.code = nil
            self.reason = ""
            return
        }
        // RFC 6455 §5.5.1: if there is a body, the first two bytes of the body MUST be a
        // 2-byte unsigned integer (in network byte order) representing a status code.
        guard body.count >= 2 else { throw .invalidClosePayloadLength }
        let raw = UInt16(body[0]) << 8 | UInt16(body[1])
        let code = CloseCode(rawValue: raw)
        // RFC 6455 §7.4: codes outside the defined/registered ranges (and 1004-1006, 1015)
        // are not valid on the wire; the endpoint fails the connection with 1002.
        guard code.isValidReceived else { throw .invalidCloseCode(raw) }
        let reasonBytes = UnsafeRawBufferPointer(rebasing: body[2...])
        // RFC 6455 §5.5.1: the data after the code (the reason) is UTF-8 encoded;
        // §8.1: invalid UTF-8 means the endpoint MUST Fail the WebSocket Connection.
        guard UTF8Validator.isValid(reasonBytes) else { throw .invalidUTF8 }
        self.code = code
        self.reason = String(decoding: reasonBytes, as: UTF8.self)
    }

    /// Bytes of the encoded body.
    public var encodedLength: Int { code == nil ? 0 : 2 + reason.utf8.count }

    /// Appends the encoded body (not the frame header).
    public func write(into output: inout ByteWriter) {
        guard let code else { return }
        output.appendBigEndian(code.rawValue)
        output.append(contentsOf: reason.utf8)
    }

    /// The encoded body as an array.
    public var bytes: [UInt8] {
        guard let code else { return [] }
        return [UInt8(code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)] + Array(reason.utf8)
    }

    static func truncated(_ reason: String) -> String {
        let utf8 = reason.utf8
        guard utf8.count > maximumReasonLength else { return reason }
        var end = utf8.index(utf8.startIndex, offsetBy: maximumReasonLength)
        // Step back to a character boundary (never split a multi-byte sequence).
        while end > utf8.startIndex, UTF8.isContinuation(utf8[end]) { end = utf8.index(before: end) }
        return String(decoding: utf8[utf8.startIndex..<end], as: UTF8.self)
    }
}
