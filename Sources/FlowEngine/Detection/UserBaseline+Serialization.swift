/// A stable byte format for persisting a ``UserBaseline`` (143 bytes):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 2 | magic `"FB"` |
/// | 2 | 1 | version (1) |
/// | 3 | 128 | 64 bucket counts, `UInt16` little-endian |
/// | 131 | 4 | `intervalsLearned`, `UInt32` LE |
/// | 135 | 4 | `windowsLearned`, `UInt32` LE |
/// | 139 | 4 | `typicalDeviationOctaves`, IEEE-754 `Float` bits, LE |
extension UserBaseline {
    /// Length of ``encode()``'s output.
    public static let encodedByteCount = 143
    private static let version: UInt8 = 1

    /// Serialises the baseline (``encodedByteCount`` bytes, format above).
    public func encode() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.encodedByteCount)
        bytes.append(UInt8(ascii: "F"))
        bytes.append(UInt8(ascii: "B"))
        bytes.append(Self.version)
        for index in 0..<Self.bucketCount { Self.append(UInt32(count(at: index)), bytes: 2, to: &bytes) }
        Self.append(intervalsLearned, bytes: 4, to: &bytes)
        Self.append(windowsLearned, bytes: 4, to: &bytes)
        Self.append(typicalDeviationOctaves.bitPattern, bytes: 4, to: &bytes)
        return bytes
    }

    /// Restores a baseline from ``encode()``'s output; `nil` for anything malformed
    /// (wrong length, magic or version, or a deviation that is not a finite value in 0…16).
    public init?(bytes: some Collection<UInt8>) {
        let input = Array(bytes)
        guard input.count == Self.encodedByteCount,
              input[0] == UInt8(ascii: "F"), input[1] == UInt8(ascii: "B"),
              input[2] == Self.version else { return nil }
        self.init()
        var offset = 3
        withUnsafeMutableBytes(of: &words) { raw in
            for index in 0..<Self.bucketCount {
                let value = UInt16(Self.read(input, at: offset, bytes: 2))
                raw.storeBytes(of: value, toByteOffset: index * 2, as: UInt16.self)
                offset += 2
            }
        }
        intervalsLearned = Self.read(input, at: offset, bytes: 4)
        windowsLearned = Self.read(input, at: offset + 4, bytes: 4)
        let deviation = Float(bitPattern: Self.read(input, at: offset + 8, bytes: 4))
        guard deviation.isFinite, deviation >= 0, deviation <= 16 else { return nil }
        typicalDeviationOctaves = deviation
        cachedMedianLogIndex = Float(quantileLogIndex(0.5) ?? 0)
    }

    private static func append(_ value: UInt32, bytes count: Int, to bytes: inout [UInt8]) {
        for shift in 0..<count { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(shift)))) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int, bytes count: Int) -> UInt32 {
        var value: UInt32 = 0
        for shift in 0..<count { value |= UInt32(bytes[offset + shift]) << (8 * UInt32(shift)) }
        return value
    }
}

/// `Codable` as the serialised bytes, for callers that persist through an encoder.
extension UserBaseline: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let bytes = try container.decode([UInt8].self)
        guard let baseline = UserBaseline(bytes: bytes) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a FlowEngine user baseline (v1)")
        }
        self = baseline
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(encode())
    }
}
