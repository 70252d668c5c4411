// libFuzzer harness for the receive path: FrameDecoder + MessageAssembler + WebSocketEndpoint
// (build and run: scripts/fuzz.sh FrameDecoder).
//
// Contract checked for every input (not just "no crash"):
//  1. The endpoint ends open/closeSent, closed after a completed closing handshake, or
//     failed with a ProtocolViolation whose close code is sendable; a failure is the last event.
//  2. Feeding the same bytes in three chunks (two split points derived from the input)
//     produces exactly the same events and the same output bytes.
//  3. Every text event (and close reason) is valid UTF-8; every frame the endpoint wrote is
//     a valid server frame; after a failure the last frame written is a Close carrying the
//     violation's code.
// Byte 0 selects the role (bit 0), small limits so the 1009 paths are reachable (bit 1), and
// whether we start the closing handshake before reading (bit 2).

import WSProtocol

struct FuzzTranscript: Equatable {
    /// FNV-1a over every event's kind and payload (cheaper than keeping the events).
    var events = EventDigest()
    var output: [UInt8] = []
    var lastViolation: ProtocolViolation?
    var closedCleanly = false
}

func run(_ input: [UInt8], role: Role, limits: Limits, closeFirst: Bool, splits: [Int]) -> FuzzTranscript {
    var endpoint = WebSocketEndpoint(role: role, limits: limits, maskingKeys: role == .client ? FuzzKeys() : nil)
    var transcript = FuzzTranscript()
    var output = ByteWriter()
    if closeFirst {
        endpoint.close(code: .goingAway, reason: "fuzz", into: &output)
        precondition(endpoint.state == .closeSent, "close did not move to closeSent")
        let sent = [UInt8]([1]).withUnsafeBytes { endpoint.send(.binary, payload: $0, into: &output) }
        precondition(!sent, "data sent after close")
    }
    var start = 0
    for end in splits + [input.count] where end >= start {
        var chunk = Array(input[start..<end])
        chunk.withUnsafeMutableBytes { buffer in
            var consumed = 0
            while true {
                let event = endpoint.nextEvent(from: buffer, consumed: &consumed, output: &output)
                precondition(transcript.lastViolation == nil || isNeedMoreData(event), "event after failure")
                switch event {
                case .needMoreData:
                    precondition(consumed == buffer.count, "needMoreData with unconsumed input")
                    return
                case .text(let p):
                    precondition(UTF8Validator.isValid(p), "text event is not UTF-8")
                    transcript.events.add(1, p)
                case .binary(let p): transcript.events.add(2, p)
                case .ping(let p):
                    precondition(p.count <= 125, "ping over 125")
                    transcript.events.add(3, p)
                case .pong(let p): transcript.events.add(4, p)
                case .closed(let code, let reason):
                    precondition(code.map(\.isValidReceived) ?? true, "closed with invalid code")
                    transcript.closedCleanly = true
                    transcript.events.add(5, UInt64(code?.rawValue ?? 0))
                    Array(reason.utf8).withUnsafeBytes { transcript.events.add(6, $0) }
                case .failed(let violation):
                    precondition(violation.closeCode.isSendable, "violation maps to an unsendable code")
                    transcript.lastViolation = violation
                    transcript.events.add(7, UInt64(violation.closeCode.rawValue))
                }
            }
        }
        start = end
    }
    switch endpoint.state {
    case .open, .closeSent:
        precondition(transcript.lastViolation == nil && !transcript.closedCleanly, "open after close")
    case .closed(.failed(let violation)):
        precondition(violation == transcript.lastViolation, "state disagrees with the last event")
    case .closed(.handshakeCompleted):
        precondition(transcript.closedCleanly, "closed without a closed event")
    }
    transcript.output = output.readableBytes
    checkOutput(transcript.output, role: role, violation: closeFirst ? nil : transcript.lastViolation)
    return transcript
}

struct EventDigest: Equatable {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var count = 0
    mutating func add(_ kind: UInt64, _ value: UInt64) {
        count += 1
        mix(kind)
        mix(value)
    }
    mutating func add(_ kind: UInt64, _ payload: UnsafeRawBufferPointer) {
        add(kind, UInt64(payload.count))
        for byte in payload { mix(UInt64(byte)) }
    }
    private mutating func mix(_ value: UInt64) { hash = (hash ^ value) &* 0x100_0000_01b3 }
}

func isNeedMoreData(_ event: EndpointEvent) -> Bool {
    if case .needMoreData = event { return true }
    return false
}

/// Everything the endpoint wrote must decode as frames from `role` to its peer.
func checkOutput(_ bytes: [UInt8], role: Role, violation: ProtocolViolation?) {
    var decoder = FrameDecoder(role: role == .server ? .client : .server, maxFrameSize: .max)
    var copy = bytes
    var lastClose: [UInt8]?
    copy.withUnsafeMutableBytes { buffer in
        var consumed = 0
        var body: [UInt8] = []
        while consumed < buffer.count {
            switch decoder.next(buffer, consumed: &consumed) {
            case .needMoreData: preconditionFailure("truncated output frame")
            case .failed(let v): preconditionFailure("endpoint wrote an invalid frame: \(v)")
            case .header(let header):
                precondition(header.opcode.isControl, "endpoint wrote a data frame on its own")
                body = []
            case .payload(let header, let run, _, let isLast):
                body += Array(run)
                if isLast && header.opcode == .close { lastClose = body }
            }
        }
    }
    // After a failure the last frame written is the Close with the violation's code (unless
    // we had already sent a Close: then nothing more is written and the check is vacuous).
    if let violation, let lastClose, lastClose.count >= 2 {
        let code = UInt16(lastClose[0]) << 8 | UInt16(lastClose[1])
        precondition(code == violation.closeCode.rawValue, "close code \(code) for \(violation)")
    }
}

/// Deterministic masking keys (fuzzing only; the RFC requires strong entropy in production).
struct FuzzKeys: RandomNumberGenerator {
    var state: UInt64 = 0x1234_5678
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let config = data[0]
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let role: Role = config & 1 == 0 ? .server : .client
    let limits = config & 2 == 0 ? Limits() : Limits(maxFrameSize: 64, maxMessageSize: 100, retainedBufferCapacity: 16)
    let closeFirst = config & 4 != 0
    let whole = run(input, role: role, limits: limits, closeFirst: closeFirst, splits: [])
    // Two split points derived from the input.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in input { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let n = UInt64(max(1, input.count + 1))
    let a = Int(hash % n), b = Int((hash >> 32) % n)
    let split = run(input, role: role, limits: limits, closeFirst: closeFirst, splits: [min(a, b), max(a, b)])
    precondition(whole == split, "split changed the result")
    return 0
}
