import TestSupport
import WSProtocol

/// Helpers shared by the permessage-deflate suites.
enum DeflateTestSupport {
    /// Inflates `fragments` as one message; returns the bytes or the error.
    static func inflate(
        _ fragments: [[UInt8]], with inflater: inout Inflater, limit: Int = 1 << 24
    ) -> Result<[UInt8], InflateError> {
        var output = ByteWriter()
        for (index, fragment) in fragments.enumerated() {
            let step: Result<Void, InflateError> = fragment.withUnsafeBytes { bytes in
                Result { () throws(InflateError) in
                    try inflater.inflate(bytes, isFinalFragment: index == fragments.count - 1, into: &output, limit: limit)
                }
            }
            if case .failure(let error) = step { return .failure(error) }
        }
        return .success(output.readableBytes)
    }

    /// Inflates one whole message with a fresh inflater.
    static func inflateOnce(_ payload: [UInt8], windowBits: Int = 15, limit: Int = 1 << 24) -> Result<[UInt8], InflateError> {
        var inflater = Inflater(windowBits: windowBits, noContextTakeover: true)
        return inflate([payload], with: &inflater, limit: limit)
    }

    /// Compresses `message`; nil when the deflater chose to send it uncompressed.
    static func compress(_ message: [UInt8], with deflater: inout Deflater) -> [UInt8]? {
        var output = ByteWriter()
        let outcome = message.withUnsafeBytes { deflater.compress($0, into: &output) }
        switch outcome {
        case .compressed: return output.readableBytes
        case .uncompressed:
            return output.isEmpty ? nil : [0xEE] // never: .uncompressed must append nothing
        }
    }

    /// Splits `bytes` into pieces of the given sizes (the last piece takes the rest).
    static func split(_ bytes: [UInt8], sizes: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        for size in sizes where start < bytes.count {
            let end = min(bytes.count, start + size)
            pieces.append(Array(bytes[start..<end]))
            start = end
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }
}

/// The shared seeded generator, under the name the deflate tests use.
typealias DeflateTestRandom = SeededGenerator

extension SeededGenerator {
    /// Bytes that compress somewhat: random words from a small vocabulary, some noise.
    mutating func textLike(count: Int) -> [UInt8] {
        let words: [[UInt8]] = ["flow", "focus", "break", "\"seq\":", "{\"type\":\"activity\",", "keystrokes", " ", ","]
            .map { Array($0.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            if next() % 5 == 0 {
                bytes.append(UInt8(truncatingIfNeeded: next()))
            } else {
                bytes.append(contentsOf: words[Int(next() % UInt64(words.count))])
            }
        }
        return Array(bytes.prefix(count))
    }

    mutating func bytes(count: Int) -> [UInt8] { bytes(count) }
}
