import Glibc

/// xoshiro256** (Blackman and Vigna): the soak client's per-connection generator for
/// activity shapes and WebSocket masking keys.
///
/// Masking keys: RFC 6455 §5.3 asks for keys from a strong source of entropy so that a
/// hostile page cannot predict them and poison intermediaries. The soak client is an
/// operator's test tool talking to its own server, and a `getrandom` call per frame would
/// be a visible part of the client's cost at 100,000 frames/s, so each connection's
/// generator is seeded once from the system's CSPRNG and then runs in user space.
public struct FastRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose whole state is derived from `seed` with SplitMix64.
    public init(seed: UInt64) {
        var x = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&x)
        s1 = splitMix(&x)
        s2 = splitMix(&x)
        s3 = splitMix(&x)
    }

    /// A generator seeded from the system's CSPRNG.
    public static func fromSystemEntropy() -> FastRandom {
        var system = SystemRandomNumberGenerator()
        return FastRandom(seed: system.next())
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }
}

extension RandomNumberGenerator {
    /// Uniform in [0, 1).
    @inlinable mutating func unitInterval() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A standard normal deviate (Box–Muller; one of the pair is discarded).
    mutating func standardNormal() -> Double {
        var u = unitInterval()
        while u <= 0 { u = unitInterval() }
        let v = unitInterval()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
