import WireJSON

/// One publication on one channel, as handed to every loop: the shared frame everyone gets
/// plus, for leaderboards, the table each loop reads each subscriber's own rank from.
///
/// ### Why two parts
/// The frame cannot hold per-subscriber data if it is to be serialized once. So a
/// leaderboard publication carries:
/// 1. ``frame`` — `{"type":"event","channel":C,"data":{"period":P,"top":[{rank,name,value_ms}…],"ranked":N}}`,
///    encoded once, identical for every subscriber on every loop;
/// 2. ``ownRanks`` — every member's ``OwnRank`` at publication (an ``OwnRankTable``, made
///    by the owner). While fanning out, the loop's ``SubscriptionRegistry`` looks up each
///    subscriber's own rank (a hash and two array reads) and, only when it differs from the
///    one last sent on that
///    subscription, sends a small private frame
///    `{"type":"event","channel":C,"data":{"own":{"rank":R,"value_ms":V,"visible":B}}}`.
///    Clients merge `own` into the board they show.
///
/// When only ranks below the top changed, the owner publishes with ``topChanged`` false:
/// loops then skip the shared frame for existing subscribers and send only changed own
/// ranks. The frame is still the current top (new subscribers get it as the snapshot).
///
/// Thread-safety: immutable `let`s of `Sendable` types.
public final class ChannelEvent: Sendable {
    /// The stream this event belongs to.
    public let key: ChannelKey
    /// The shared event frame (the whole snapshot for this channel).
    public let frame: SharedFrame
    /// False when the shared part is unchanged since the previous publication on `key`.
    public let topChanged: Bool
    /// Own ranks at publication (leaderboards only).
    public let ownRanks: OwnRankTable?

    /// `{"type":"event","channel":C,"data":{"own":{"rank":` — the fixed start of every
    /// own-rank payload of this event, encoded once.
    private let ownRankPrefix: [UInt8]

    public init(key: ChannelKey, frame: SharedFrame, topChanged: Bool = true, ownRanks: OwnRankTable? = nil) {
        self.key = key
        self.frame = frame
        self.topChanged = topChanged
        self.ownRanks = ownRanks
        if ownRanks != nil {
            var writer = JSONWriter(capacity: 96)
            writer.beginObject()
            writer.key("type"); writer.value("event")
            writer.key("channel"); writer.value(string: key.wireName)
            writer.key("data")
            writer.beginObject()
            writer.key("own")
            writer.beginObject()
            writer.key("rank")
            ownRankPrefix = writer.bytes
        } else {
            ownRankPrefix = []
        }
    }

    /// The own rank of `userId` on this board, if the event carries own ranks and the user
    /// is on it.
    public func ownRank(of userId: String) -> OwnRank? {
        ownRanks?.ownRank(of: userId)
    }

    /// Writes the private own-rank frame for one subscriber into `scratch` (reused, so no
    /// allocation once warm) and returns the range of the complete frame in it:
    /// `{"type":"event","channel":C,"data":{"own":{"rank":R,"value_ms":V,"visible":B}}}`.
    public func encodeOwnRankFrame(_ rank: OwnRank, into scratch: inout [UInt8]) -> Range<Int> {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: [0, 0, 0, 0])  // room for the longest header used here
        scratch.append(contentsOf: ownRankPrefix)
        Self.appendDecimal(Int64(rank.rank), to: &scratch)
        scratch.append(contentsOf: #","value_ms":"#.utf8)
        Self.appendDecimal(rank.valueMs, to: &scratch)
        scratch.append(contentsOf: rank.visible ? #","visible":true}}}"#.utf8 : #","visible":false}}}"#.utf8)
        let payloadCount = scratch.count - 4
        // RFC 6455 §5.2: FIN + text; unmasked; the minimal length encoding (7 or 16 bits;
        // the payload is far below 64 KiB: a bounded channel name and two integers).
        if payloadCount <= 125 {
            scratch[2] = 0x81
            scratch[3] = UInt8(payloadCount)
            return 2..<scratch.count
        }
        scratch[0] = 0x81
        scratch[1] = 126
        scratch[2] = UInt8(truncatingIfNeeded: payloadCount >> 8)
        scratch[3] = UInt8(truncatingIfNeeded: payloadCount)
        return 0..<scratch.count
    }

    /// Encodes one subscriber's whole event into `scratch` (reused; no allocation once
    /// warm) and returns the frame's range: the shared payload with
    /// `,"own":{"rank":R,"value_ms":V,"visible":B}` inserted before its closing `}}`.
    public func encodeCombinedFrame(_ rank: OwnRank, into scratch: inout [UInt8]) -> Range<Int> {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0])  // room for the longest header
        frame.bytes.withUnsafeBytes { raw in
            let payload = raw[(raw.count - frame.payloadCount)...]
            scratch.append(contentsOf: payload.dropLast(2))  // without the closing "}}"
        }
        scratch.append(contentsOf: #","own":{"rank":"#.utf8)
        Self.appendDecimal(Int64(rank.rank), to: &scratch)
        scratch.append(contentsOf: #","value_ms":"#.utf8)
        Self.appendDecimal(rank.valueMs, to: &scratch)
        scratch.append(contentsOf: rank.visible ? #","visible":true}}}"#.utf8 : #","visible":false}}}"#.utf8)
        let payloadCount = scratch.count - 10
        // RFC 6455 §5.2: FIN + text, unmasked, the minimal length encoding.
        let start: Int
        if payloadCount <= 125 {
            start = 8
            scratch[9] = UInt8(payloadCount)
        } else if payloadCount <= 0xFFFF {
            start = 6
            scratch[7] = 126
            scratch[8] = UInt8(truncatingIfNeeded: payloadCount >> 8)
            scratch[9] = UInt8(truncatingIfNeeded: payloadCount)
        } else {
            start = 0
            scratch[1] = 127
            for index in 0..<8 { scratch[2 + index] = UInt8(truncatingIfNeeded: UInt64(payloadCount) >> (56 - 8 * index)) }
        }
        scratch[start] = 0x81
        return start..<scratch.count
    }

    /// Encodes the private own-rank frame as its own `SharedFrame` (held frames, tests).
    public func ownRankFrame(_ rank: OwnRank) -> SharedFrame {
        var scratch: [UInt8] = []
        let range = encodeOwnRankFrame(rank, into: &scratch)
        let bytes = Array(scratch[range])
        return SharedFrame(frameBytes: bytes, payloadCount: scratch.count - 4)
    }

    private static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes ≥ 20 digits
        let count = withUnsafeMutableBytes(of: &digits) { raw -> Int in
            var index = raw.count
            repeat {
                index -= 1
                raw[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            return raw.count - index
        }
        withUnsafeBytes(of: digits) { raw in bytes.append(contentsOf: raw[(raw.count - count)...]) }
    }
}
