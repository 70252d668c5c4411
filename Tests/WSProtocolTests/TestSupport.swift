@testable import WSProtocol


/// An event with its payload copied out, so sequences can be compared.
enum RecordedEvent: Equatable, CustomStringConvertible {
    case text([UInt8])
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    case closed(code: UInt16?, reason: String)
    case failed(ProtocolViolation)

    init?(_ event: EndpointEvent) {
        switch event {
        case .needMoreData: return nil
        case .text(let p): self = .text(Array(p))
        case .binary(let p): self = .binary(Array(p))
        case .ping(let p): self = .ping(Array(p))
        case .pong(let p): self = .pong(Array(p))
        case .closed(let code, let reason): self = .closed(code: code?.rawValue, reason: reason)
        case .failed(let v): self = .failed(v)
        }
    }

    var description: String {
        switch self {
        case .text(let p): return "text(\(p.count))"
        case .binary(let p): return "binary(\(p.count))"
        case .ping(let p): return "ping(\(p.count))"
        case .pong(let p): return "pong(\(p.count))"
        case .closed(let c, let r): return "closed(\(c.map(String.init) ?? "nil"), \(r))"
        case .failed(let v): return "failed(\(v))"
        }
    }
}

/// Everything an endpoint produced for some input.
struct Transcript: Equatable {
    var events: [RecordedEvent] = []
    var output: [UInt8] = []
}

let fixedKey = MaskingKey(0x37, 0xFA, 0x21, 0x3D)

/// A client-to-server frame (masked with `fixedKey` unless `mask` is given / nil requested).
func clientFrame(
    _ opcode: Opcode, _ payload: [UInt8], fin: Bool = true, rsv: UInt8 = 0, mask: MaskingKey? = fixedKey
) -> [UInt8] {
    var writer = ByteWriter()
    payload.withUnsafeBytes {
        FrameEncoder.writeFrame(opcode: opcode, payload: $0, fin: fin, reservedBits: rsv, mask: mask, into: &writer)
    }
    return writer.readableBytes
}

/// A server-to-client frame (unmasked).
func serverFrame(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
    clientFrame(opcode, payload, fin: fin, mask: nil)
}

/// Raw frame bytes with an explicit header (for malformed inputs).
func rawFrame(firstByte: UInt8, masked: Bool = true, payload: [UInt8]) -> [UInt8] {
    var header = FrameHeader(fin: true, opcode: .binary, maskingKey: masked ? fixedKey : nil, payloadLength: payload.count)
    header.firstByte = firstByte
    var writer = ByteWriter()
    FrameEncoder.writeHeader(header, into: &writer)
    var body = payload
    if masked { body.withUnsafeMutableBytes { fixedKey.unmask($0) } }
    writer.append(contentsOf: body)
    return writer.readableBytes
}

/// Feeds `stream` to `endpoint` in chunks ending at `splits` (sorted offsets), draining
/// events after every chunk, exactly as the shell does.
func feed(_ endpoint: inout WebSocketEndpoint, _ stream: [UInt8], splits: [Int] = []) -> Transcript {
    var transcript = Transcript()
    var output = ByteWriter()
    var bounds = splits.filter { $0 > 0 && $0 < stream.count }
    bounds.append(stream.count)
    var start = 0
    for end in bounds where end >= start {
        var chunk = Array(stream[start..<end])
        chunk.withUnsafeMutableBytes { buffer in
            var consumed = 0
            while true {
                let event = endpoint.nextEvent(from: buffer, consumed: &consumed, output: &output)
                guard let recorded = RecordedEvent(event) else { break }
                transcript.events.append(recorded)
            }
            precondition(consumed == buffer.count, "needMoreData before consuming everything")
        }
        start = end
    }
    transcript.output = output.readableBytes
    return transcript
}

/// Decodes a stream with a fresh server endpoint.
func serverTranscript(_ stream: [UInt8], splits: [Int] = [], limits: Limits = .init()) -> Transcript {
    var endpoint = WebSocketEndpoint(role: .server, limits: limits)
    return feed(&endpoint, stream, splits: splits)
}

/// Decodes all frames the server wrote (unmasked) into (opcode, payload) pairs.
func decodeServerOutput(_ bytes: [UInt8]) -> [(Opcode, [UInt8])] {
    var decoder = FrameDecoder(role: .client, maxFrameSize: .max)
    var copy = bytes
    var frames: [(Opcode, [UInt8])] = []
    copy.withUnsafeMutableBytes { buffer in
        var consumed = 0
        var current: [UInt8] = []
        loop: while true {
            switch decoder.next(buffer, consumed: &consumed) {
            case .needMoreData, .failed: break loop
            case .header: current = []
            case .payload(let header, let run, _, let isLast):
                current += Array(run)
                if isLast { frames.append((header.opcode, current)) }
            }
        }
    }
    return frames
}

/// Close frame body for `code` and `reason`.
func closeBody(_ code: UInt16, _ reason: String = "") -> [UInt8] {
    [UInt8(code >> 8), UInt8(code & 0xFF)] + Array(reason.utf8)
}

extension Array where Element == UInt8 {
    init(ascii text: String) { self = Array(text.utf8) }
}
