// The same `activity` and shard set-up as CoachingBenchmarks, repeated on purpose: this
// executable builds without the benchmark framework (nothing but the round trips inside
// callgrind's count), and ActivityFixture.swift and RoundTripSteps.swift also build
// unchanged against `f5ba33d`, whose tree has no CoachingBenchmarks of this shape.

/// The benchmark's `activity` (CoachingBenchmarks' template): 64 intervals of steady
/// typing; `seq` (10 digits) and `at_ms` (13 digits) are advanced in place, one window per
/// 10 s of event time.
struct ActivityFixture {
    static let session = "6f1c2a3e-8d4b-4f7a-9b2e-1c0d5e6f7a8b"
    static let windowMs: Int64 = 10_000
    static let firstSeq: Int64 = 1_000_000_000
    static let firstAtMs: Int64 = 1_795_317_210_000
    static let utcOffsetMs: Int64 = 3_600_000

    var bytes: [UInt8]
    let seqOffset: Int
    let atMsOffset: Int
    let sessionOffset: Int
    private(set) var seq = firstSeq
    private(set) var atMs = firstAtMs

    init() {
        let intervals = (0..<64).map { String(120 + ($0 * 37) % 60) }.joined(separator: ",")
        let text = #"{"type":"activity","session":"\#(Self.session)","seq":\#(Self.firstSeq),"#
            + #""at_ms":\#(Self.firstAtMs),"window_ms":\#(Self.windowMs),"keystrokes":65,"#
            + #""keystroke_intervals":[\#(intervals)],"context_switches":0,"error_events":0,"#
            + #""focus_ms":10000,"files_modified":1,"lines_added":4,"lines_deleted":1,"#
            + #""language":"swift","file_saved":true,"commit":false}"#
        bytes = Array(text.utf8)
        seqOffset = Self.offset(after: #""seq":"#, in: bytes)
        atMsOffset = Self.offset(after: #""at_ms":"#, in: bytes)
        sessionOffset = Self.offset(after: #""session":""#, in: bytes)
    }

    /// The next window of the same session: seq + 1, at_ms + window_ms.
    mutating func advance() {
        seq += 1
        atMs += Self.windowMs
        Self.writeDigits(seq, width: 10, at: seqOffset, in: &bytes)
        Self.writeDigits(atMs, width: 13, at: atMsOffset, in: &bytes)
    }

    /// Another window: `seq` and `at_ms` written in place (the cold-sessions mode, which
    /// also writes another session's id at ``sessionOffset`` on every round).
    mutating func set(seq: Int64, atMs: Int64) {
        self.seq = seq
        self.atMs = atMs
        Self.writeDigits(seq, width: 10, at: seqOffset, in: &bytes)
        Self.writeDigits(atMs, width: 13, at: atMsOffset, in: &bytes)
    }

    private static func offset(after marker: String, in bytes: [UInt8]) -> Int {
        let needle = Array(marker.utf8)
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return start + needle.count
        }
        fatalError("ActivityFixture: \(marker) not found")
    }

    private static func writeDigits(_ value: Int64, width: Int, at offset: Int, in bytes: inout [UInt8]) {
        var rest = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
            bytes[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
    }
}

/// What a run framed: frames, bytes and (when asked) the FNV-1a of every byte, so that a
/// change of the encoder that alters the wire shows as a different digest.
struct FramedOutput {
    var frames = 0
    var bytes = 0
    var digest: UInt64 = 0xcbf2_9ce4_8422_2325
    let hashing: Bool

    init(hashing: Bool) {
        self.hashing = hashing
    }

    mutating func add(_ written: UnsafeRawBufferPointer) {
        bytes += written.count
        guard hashing else { return }
        for byte in written { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 }
    }

    var summary: String {
        "frames: \(frames), bytes out: \(bytes)" + (hashing ? ", FNV-1a: \(String(digest, radix: 16))" : "")
    }
}
