// libFuzzer harness for the HTTP request head parser and the upgrade handshake (build and
// run: scripts/fuzz.sh HTTPRequestParser).
//
// Contract checked for every input:
//  1. The parser returns needMoreData, complete (with a syntactically valid head:
//     token method and header names, visible-ASCII target, no control characters in values,
//     at most the limits), or failed with a 400/431 error that has a non-empty reason.
//  2. Feeding the same bytes in three chunks gives the same outcome and the same total
//     number of head bytes consumed.
//  3. A complete head goes through Handshake.accept: accepted (101 written) or rejected with
//     400/405/426 and a well-formed response.

import WSProtocol

enum Outcome: Equatable {
    case needMoreData
    case complete(HTTPRequestHead, headBytes: Int)
    case failed(HTTPRequestError)
}

func parse(_ input: [UInt8], splits: [Int]) -> Outcome {
    var parser = HTTPRequestParser(limits: HTTPLimits(maxHeadSize: 1024, maxHeaderCount: 16))
    var start = 0
    for end in splits + [input.count] where end >= start {
        let result = input[start..<end].withUnsafeBytes { parser.parse($0) }
        switch result {
        case .needMoreData:
            start = end
        case .complete(let head, let consumed):
            precondition(consumed >= 1 && consumed <= end - start, "consumed out of range")
            return .complete(head, headBytes: start + consumed)
        case .failed(let error):
            return .failed(error)
        }
    }
    return .needMoreData
}

func check(_ outcome: Outcome) {
    switch outcome {
    case .needMoreData:
        break
    case .failed(let error):
        precondition([400, 431].contains(error.httpStatus), "unexpected status")
        precondition(!error.reason.isEmpty, "empty reason")
        var writer = ByteWriter()
        HTTPRejection(error).write(into: &writer)
        precondition(!writer.isEmpty, "rejection not written")
    case .complete(let head, let headBytes):
        precondition(headBytes <= 1024, "head over the limit")
        precondition(head.headers.count <= 16, "too many headers")
        precondition(HeaderGrammar.isToken(head.method), "method is not a token")
        precondition(head.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }, "target has invalid bytes")
        for header in head.headers {
            precondition(HeaderGrammar.isToken(header.name), "header name is not a token")
            precondition(!header.value.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" }, "CTL in value")
        }
        var writer = ByteWriter()
        let policy = HandshakePolicy(subprotocols: ["chat"], rejectUnknownSubprotocols: head.headers.count % 2 == 0,
                                     negotiateExtensions: { offers in .accepted(offers.filter { $0.name == "x-ok" }) })
        switch Handshake.accept(head, policy: policy) {
        case .accept(let response):
            precondition(Base64.decode(response.acceptKey)?.count == 20, "accept key is not a SHA-1")
            response.write(into: &writer)
        case .reject(let rejection):
            precondition([400, 405, 426].contains(rejection.status), "unexpected handshake status")
            rejection.write(into: &writer)
        }
        precondition(!writer.isEmpty, "response not written")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = parse(input, splits: [])
    check(whole)
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in input { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let n = UInt64(size + 1)
    let a = Int(hash % n), b = Int((hash >> 32) % n)
    precondition(parse(input, splits: [min(a, b), max(a, b)]) == whole, "split changed the result")
    return 0
}
