// libFuzzer harness for the permessage-deflate Inflater (RFC 7692 §7.2.2).
//
// Build and run: scripts/fuzz.sh Inflater.
//
// Contract asserted (a violation traps, which libFuzzer reports as a crash):
//  1. Untrusted bytes, inflated as one message of one or more fragments, either succeed
//     with at most `limit` output bytes, or fail with a documented `InflateError` whose
//     close code is 1007 (corrupt/unterminated) or 1009 (too big). 1011 (out of memory)
//     never happens with these sizes.
//  2. Nothing past the limit is ever appended to the output, success or not.
//  3. With a 32 KiB window, inflating fragment by fragment gives the same result as
//     inflating the whole message at once.
//  4. After an error the inflater holds no zlib memory; after a message without context
//     takeover it holds none either.
//  5. Round trip: the input used as plain text, compressed by our Deflater with settings
//     taken from the header byte, inflates back to itself, fragment by fragment.
//
// Input layout: byte 0 = settings (bit 0 context takeover, bits 1-3 window bits - 8,
// bit 4 round-trip mode, bits 5-7 number of cuts), byte 1 = limit selector, the rest data.

import WSProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func inflaterFuzzTarget(_ start: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let start, size >= 2 else { return 0 }
    let input = UnsafeRawBufferPointer(start: start, count: size)
    let settings = input[0]
    let noContextTakeover = settings & 1 == 0
    let windowBits = 8 + Int((settings >> 1) & 7)
    let roundTrip = settings & 0x10 != 0
    let cutCount = Int(settings >> 5)
    let limits = [0, 1, 64, 1_000, 4_096, 65_536, 1 << 20, 1 << 22]
    let limit = limits[Int(input[1]) % limits.count]
    let data = Array(input[2...])

    if roundTrip {
        checkRoundTrip(data, windowBits: max(9, windowBits), noContextTakeover: noContextTakeover, cutCount: cutCount)
    } else {
        checkUntrusted(data, windowBits: windowBits, noContextTakeover: noContextTakeover, limit: limit, cutCount: cutCount)
    }
    return 0
}

/// Cut points derived from the data itself, so libFuzzer can steer them.
func fragments(of data: [UInt8], cutCount: Int) -> [[UInt8]] {
    guard cutCount > 0, !data.isEmpty else { return [data] }
    var cuts: [Int] = []
    for index in 0..<cutCount {
        let byte = Int(data[(index * 7919) % data.count])
        cuts.append((byte * (index + 1) * 31) % (data.count + 1))
    }
    cuts.sort()
    var pieces: [[UInt8]] = []
    var previous = 0
    for cut in cuts {
        pieces.append(Array(data[previous..<cut]))
        previous = cut
    }
    pieces.append(Array(data[previous...]))
    return pieces
}

/// Inflates `pieces` as one message; returns output or error, asserting the limit.
func inflateMessage(_ pieces: [[UInt8]], into inflater: inout Inflater, limit: Int) -> Result<[UInt8], InflateError> {
    var output = ByteWriter()
    for (index, piece) in pieces.enumerated() {
        let step: Result<Void, InflateError> = piece.withUnsafeBytes { bytes in
            Result { () throws(InflateError) in
                try inflater.inflate(bytes, isFinalFragment: index == pieces.count - 1, into: &output, limit: limit)
            }
        }
        // Contract 2: never more than `limit` bytes appended.
        precondition(output.readableCount <= limit, "inflater appended past the limit")
        if case .failure(let error) = step {
            // Contract 1: a documented error with its documented close code.
            switch error {
            case .messageTooBig(let reported): precondition(reported == limit && error.closeCodeValue == 1009)
            case .corruptStream, .unterminatedMessage: precondition(error.closeCodeValue == 1007)
            case .outOfMemory: preconditionFailure("zlib out of memory on a tiny input")
            }
            // Contract 4: an abandoned message releases the stream.
            precondition(inflater.allocatedBytes == 0 && !inflater.isInMessage, "stream kept after an error")
            return .failure(error)
        }
    }
    if inflater.noContextTakeover {
        precondition(inflater.allocatedBytes == 0, "stream kept without context takeover")
    }
    return .success(output.readableBytes)
}

func checkUntrusted(_ data: [UInt8], windowBits: Int, noContextTakeover: Bool, limit: Int, cutCount: Int) {
    var fragmented = Inflater(windowBits: windowBits, noContextTakeover: noContextTakeover)
    let pieces = fragments(of: data, cutCount: cutCount)
    let first = inflateMessage(pieces, into: &fragmented, limit: limit)
    // A second message on the same inflater exercises context takeover.
    _ = inflateMessage(pieces, into: &fragmented, limit: limit)

    // Contract 3: with a full window, fragmentation does not change the outcome.
    guard windowBits == 15 else { return }
    var whole = Inflater(windowBits: 15, noContextTakeover: noContextTakeover)
    let reference = inflateMessage([data], into: &whole, limit: limit)
    switch (first, reference) {
    case (.success(let a), .success(let b)):
        precondition(a == b, "fragmented and whole inflation differ")
    case (.failure, .failure):
        break
    case (.success, .failure), (.failure, .success):
        preconditionFailure("fragmented and whole inflation disagree on success")
    }
}

func checkRoundTrip(_ data: [UInt8], windowBits: Int, noContextTakeover: Bool, cutCount: Int) {
    var deflater = Deflater(windowBits: windowBits, memLevel: 1 + windowBits % 9, noContextTakeover: noContextTakeover)
    var inflater = Inflater(windowBits: windowBits, noContextTakeover: noContextTakeover)
    // Two messages, so context takeover carries a window from the first to the second.
    for message in [data, Array(data.reversed())] {
        var compressed = ByteWriter()
        let outcome = message.withUnsafeBytes { deflater.compress($0, into: &compressed) }
        switch outcome {
        case .uncompressed:
            // Only for an empty message, or without context takeover (no gain); nothing
            // is appended either way.
            precondition((message.isEmpty || noContextTakeover) && compressed.isEmpty, "uncompressed with context takeover")
        case .compressed:
            let pieces = fragments(of: compressed.readableBytes, cutCount: cutCount)
            let result = inflateMessage(pieces, into: &inflater, limit: message.count)
            precondition(result == .success(message), "round trip failed")
        }
    }
}
