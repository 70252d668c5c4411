/// SHA-1 (FIPS 180-4 §6.1), used only to compute `Sec-WebSocket-Accept` (RFC 6455 §4.2.2).
///
/// Our own small implementation so that WSProtocol needs no crypto library; SHA-1 is not
/// used for anything security-relevant here (RFC 6455 §10.7 relies only on the handshake's
/// "proof of receipt"). The state is a fixed-size value: hashing allocates nothing.
public struct SHA1: Sendable {
    /// The 20-byte digest as a value (no array).
    public typealias Digest = (UInt32, UInt32, UInt32, UInt32, UInt32)

    private var h: Digest = (0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0)
    /// The partial block: 64 bytes in place.
    private var block: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var blockCount = 0
    private var totalBytes: UInt64 = 0

    /// A fresh hash state.
    public init() {}

    /// Hashes `bytes` in one call; returns the 20-byte digest.
    public static func hash<C: Collection<UInt8>>(_ bytes: C) -> [UInt8] {
        var sha = SHA1()
        sha.update(bytes)
        return sha.finalize()
    }

    /// Adds message bytes.
    public mutating func update<C: Collection<UInt8>>(_ bytes: C) {
        for byte in bytes { append(byte) }
        totalBytes &+= UInt64(bytes.count)
    }

    private mutating func append(_ byte: UInt8) {
        let index = blockCount
        withUnsafeMutableBytes(of: &block) { $0[index] = byte }
        blockCount += 1
        if blockCount == 64 {
            compress()
            blockCount = 0
        }
    }

    /// Pads, processes the last block(s) and returns the 20-byte digest.
    public mutating func finalize() -> [UInt8] {
        let digest = finalizeDigest()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        Self.withBytes(of: digest) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// ``finalize()`` without an array: the five big-endian words of the digest.
    public mutating func finalizeDigest() -> Digest {
        let bitLength = totalBytes &* 8
        // FIPS 180-4 §5.1.1: append 1 bit, zeros to 448 mod 512, then the 64-bit length.
        append(0x80)
        while blockCount != 56 { append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        return h
    }

    /// Calls `body` with the digest's 20 bytes in order (on the stack).
    public static func withBytes<R>(of digest: Digest, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        var bigEndian = (digest.0.bigEndian, digest.1.bigEndian, digest.2.bigEndian, digest.3.bigEndian, digest.4.bigEndian)
        return withUnsafeBytes(of: &bigEndian) { body(UnsafeRawBufferPointer(rebasing: $0[0..<20])) }
    }

    /// FIPS 180-4 §6.1.2: processes one 512-bit block.
    private mutating func compress() {
        var (a, b, c, d, e) = h
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 80) { w in
            withUnsafeBytes(of: &block) { bytes in
                for t in 0..<16 {
                    w[t] = UInt32(bytes[4 * t]) << 24 | UInt32(bytes[4 * t + 1]) << 16 | UInt32(bytes[4 * t + 2]) << 8
                        | UInt32(bytes[4 * t + 3])
                }
            }
            for t in 16..<80 { w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1) }
            for t in 0..<80 {
                let f: UInt32
                let k: UInt32
                switch t {
                case 0..<20: (f, k) = ((b & c) | (~b & d), 0x5A82_7999)
                case 20..<40: (f, k) = (b ^ c ^ d, 0x6ED9_EBA1)
                case 40..<60: (f, k) = ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC)
                default: (f, k) = (b ^ c ^ d, 0xCA62_C1D6)  // integer switch: 60..<80
                }
                let temp = rotl(a, 5) &+ f &+ e &+ k &+ w[t]
                e = d
                d = c
                c = rotl(b, 30)
                b = a
                a = temp
            }
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e)
    }

    private func rotl(_ x: UInt32, _ n: UInt32) -> UInt32 { (x << n) | (x >> (32 - n)) }
}
