/// Bounds of the request head parser.
public struct HTTPLimits: Sendable, Equatable {
    /// Maximum bytes of request line plus header section, including CRLFs and the final
    /// empty line. Default 8 KiB.
    public var maxHeadSize: Int
    /// Maximum number of header fields. Default 64.
    public var maxHeaderCount: Int

    /// Creates limits.
    public init(maxHeadSize: Int = 8192, maxHeaderCount: Int = 64) {
        self.maxHeadSize = maxHeadSize
        self.maxHeaderCount = maxHeaderCount
    }
}

/// What `HTTPRequestParser.parse(_:)` produced.
public enum HTTPParseResult: Sendable, Equatable {
    /// The head is not complete; all input was kept.
    case needMoreData
    /// The head is complete. `consumed` counts the bytes of THIS call's input that belong to
    /// the head; any bytes after them are trailing data (early WebSocket frames).
    case complete(HTTPRequestHead, consumed: Int)
    /// The head is malformed or too large; answer with `error.httpStatus` and close.
    case failed(HTTPRequestError)
}

/// Incremental, bounded HTTP/1.1 request head parser (RFC 7230 §3).
///
/// Bytes may arrive one at a time. Line endings are checked as they arrive (CRLF only), so
/// malformed input fails at the offending byte; limits fail as soon as they are exceeded.
/// Create one parser per request.
public struct HTTPRequestParser: Sendable {
    /// The bounds in force.
    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var afterCR = false
    private var lineLength = 0
    private var lineCount = 0
    private var finished = false

    /// Creates a parser.
    public init(limits: HTTPLimits = .init()) {
        self.limits = limits
    }

    /// Feeds the next bytes of the connection.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) -> HTTPParseResult {
        precondition(!finished, "HTTPRequestParser: parse after the head completed or failed")
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard buffer.count + index < limits.maxHeadSize else { return fail(.headTooLarge(limit: limits.maxHeadSize)) }
            if afterCR {
                // RFC 7230 §3.5: a bare CR outside the line terminator is invalid (we reject).
                guard byte == HTTPBytes.lf else { return fail(.bareCR) }
                afterCR = false
                if lineLength == 0 {
                    // RFC 7230 §3: the header section ends with an empty line.
                    guard lineCount > 0 else { return fail(.invalidRequestLine) }
                    finished = true
                    let head = UnsafeRawBufferPointer(rebasing: bytes[0...index])
                    let result: Result<HTTPRequestHead, HTTPRequestError>
                    if buffer.isEmpty {
                        // The whole head in one read (the usual case): parsed in place.
                        result = HTTPHeadSyntax.parse(head)
                    } else {
                        buffer.append(contentsOf: head)
                        result = buffer.withUnsafeBytes { HTTPHeadSyntax.parse($0) }
                    }
                    buffer = []
                    switch result {
                    case .success(let head): return .complete(head, consumed: index + 1)
                    case .failure(let error): return .failed(error)
                    }
                }
                lineCount += 1
                // The first line is the request line; the rest are header fields.
                if lineCount - 1 > limits.maxHeaderCount { return fail(.tooManyHeaders(limit: limits.maxHeaderCount)) }
                lineLength = 0
            } else if byte == HTTPBytes.cr {
                afterCR = true
            } else if byte == HTTPBytes.lf {
                // RFC 7230 §3: lines end in CRLF; a bare LF is refused rather than tolerated.
                return fail(.missingCR)
            } else {
                // RFC 7230 §3.2.4: a server MUST reject obs-fold (a line starting with SP/HTAB)
                // with 400 (unless inside message/http).
                if lineLength == 0, lineCount > 0, byte == HTTPBytes.space || byte == HTTPBytes.tab {
                    return fail(.obsoleteLineFolding)
                }
                lineLength += 1
            }
        }
        // Kept whole: the checks above have passed for every byte of it.
        buffer.append(contentsOf: bytes)
        return .needMoreData
    }

    private mutating func fail(_ error: HTTPRequestError) -> HTTPParseResult {
        finished = true
        buffer = []
        return .failed(error)
    }
}

/// Byte constants of the HTTP grammar.
enum HTTPBytes {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
}
