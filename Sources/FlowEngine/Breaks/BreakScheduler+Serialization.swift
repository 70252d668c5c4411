/// A stable byte format for the state a ``BreakScheduler`` needs to go on where it stopped
/// (another node takes the user over, or the server restarted): the counters, the
/// eligibility times of each kind, the snooze, the outstanding reminder and the next id.
/// The settings are not in it: the restoring server passes the ones in force.
///
/// `"BS"`, version 1, then the fields below as little-endian `Int64` (ids as `UInt64`),
/// then one byte for the outstanding kind and one for ``isHoldingForFlow`` (117 bytes).
extension BreakScheduler {
    /// Length of ``encode()``'s output.
    public static let encodedByteCount = 3 + fieldCount * 8 + 2
    private static let version: UInt8 = 1
    private static let fieldCount = 14

    /// Serialises the scheduler's state (``encodedByteCount`` bytes).
    public func encode() -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "B"), UInt8(ascii: "S"), Self.version]
        bytes.reserveCapacity(Self.encodedByteCount)
        for value in fields { Self.append(UInt64(bitPattern: value), to: &bytes) }
        bytes.append(outstandingKind.rawValue)
        bytes.append(isHoldingForFlow ? 1 : 0)
        return bytes
    }

    /// Restores a scheduler from ``encode()``'s output with `settings`; `nil` for anything
    /// malformed (length, magic, version, kind).
    public init?(settings: BreakSettings, bytes: some Collection<UInt8>) {
        let input = Array(bytes)
        guard input.count == Self.encodedByteCount,
              input[0] == UInt8(ascii: "B"), input[1] == UInt8(ascii: "S"), input[2] == Self.version,
              let kind = BreakKind(rawValue: input[input.count - 2]), input[input.count - 1] <= 1
        else { return nil }
        var values: [Int64] = []
        values.reserveCapacity(Self.fieldCount)
        for index in 0..<Self.fieldCount { values.append(Int64(bitPattern: Self.read(input, at: 3 + index * 8))) }
        self.init(settings: settings)
        continuousMs = values[0]
        sinceRestMs = values[1]
        dayActiveMs = values[2]
        localDay = values[3]
        lastAtMs = values[4]
        activeUntilMs = values[5]
        microEligibleMs = values[6]
        restEligibleMs = values[7]
        dailyEligibleMs = values[8]
        dailyDoneDay = values[9]
        snoozedUntilMs = values[10]
        dueSinceMs = values[11]
        outstandingID = UInt64(bitPattern: values[12])
        nextID = Swift.max(1, UInt64(bitPattern: values[13]))
        outstandingKind = kind
        isHoldingForFlow = input[input.count - 1] == 1
    }

    /// The encoded fields in order.
    private var fields: [Int64] {
        [continuousMs, sinceRestMs, dayActiveMs, localDay, lastAtMs, activeUntilMs, microEligibleMs, restEligibleMs,
         dailyEligibleMs, dailyDoneDay, snoozedUntilMs, dueSinceMs, Int64(bitPattern: outstandingID),
         Int64(bitPattern: nextID)]
    }

    private static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(shift)))) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for shift in 0..<8 { value |= UInt64(bytes[offset + shift]) << (8 * UInt64(shift)) }
        return value
    }
}
