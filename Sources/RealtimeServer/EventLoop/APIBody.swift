import WSProtocol

/// A request body being read for the API: `Content-Length` bytes after the head.
/// Chunked bodies are refused (411): the WakaTime clients and our own send a length.
struct APIBody {
    let head: HTTPRequestHead
    let expected: Int
    private(set) var bytes: [UInt8] = []

    init(head: HTTPRequestHead, expected: Int) {
        self.head = head
        self.expected = expected
        bytes.reserveCapacity(expected)
    }

    var isComplete: Bool { bytes.count >= expected }

    /// Appends up to the expected length; anything after it (a pipelined request) is
    /// dropped, since the connection closes after the answer.
    mutating func append(_ more: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: more.prefix(max(0, expected - bytes.count)))
    }

    enum Expectation: Equatable {
        case length(Int)
        case refused(status: Int, reason: String, message: String)
    }

    /// RFC 9112 §6.3: the body length from `Content-Length` (none: no body).
    static func expectedLength(_ head: HTTPRequestHead, maxBytes: Int) -> Expectation {
        if !head.values(forName: "Transfer-Encoding").isEmpty {
            return .refused(status: 411, reason: "Length Required", message: "send the body with Content-Length (no chunked encoding)")
        }
        let values = head.values(forName: "Content-Length")
        guard let text = values.first else { return .length(0) }
        guard values.count == 1, !text.isEmpty, text.utf8.count <= 12,
            text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let length = Int(text)
        else { return .refused(status: 400, reason: "Bad Request", message: "invalid Content-Length") }
        guard length <= maxBytes else {
            return .refused(status: 413, reason: "Payload Too Large", message: "the body is over \(maxBytes) bytes")
        }
        return .length(length)
    }
}
