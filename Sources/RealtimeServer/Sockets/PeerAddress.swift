import CoachingCore
import CLinux
import Glibc

/// The remote address of a connection, compact (for per-IP limits and logs).
public struct PeerAddress: Sendable, Hashable, CustomStringConvertible {
    /// IPv4 addresses are stored as IPv4-mapped IPv6 (::ffff:a.b.c.d).
    public let bytes: (UInt64, UInt64)
    public let port: UInt16

    init(_ storage: sockaddr_storage) {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            let (address, port) = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ($0.pointee.sin_addr.s_addr, $0.pointee.sin_port) }
            }
            bytes = (0, 0x0000_FFFF_0000_0000 | UInt64(UInt32(bigEndian: address)))
            self.port = UInt16(bigEndian: port)
        case AF_INET6:
            let (words, port) = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    let port = pointer.pointee.sin6_port
                    let words = withUnsafeBytes(of: pointer.pointee.sin6_addr) { raw in
                        (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                         UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
                    }
                    return (words, port)
                }
            }
            bytes = words
            self.port = UInt16(bigEndian: port)
        default:
            bytes = (0, 0)
            port = 0
        }
    }

    public static func == (lhs: PeerAddress, rhs: PeerAddress) -> Bool {
        lhs.bytes.0 == rhs.bytes.0 && lhs.bytes.1 == rhs.bytes.1 && lhs.port == rhs.port
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.0)
        hasher.combine(bytes.1)
        hasher.combine(port)
    }

    /// The address without the port, for per-IP accounting.
    public var host: PeerHost { PeerHost(high: bytes.0, low: bytes.1) }

    public var description: String {
        if bytes.0 == 0 && bytes.1 >> 32 == 0xFFFF {
            let v4 = UInt32(truncatingIfNeeded: bytes.1)
            return "\(v4 >> 24).\((v4 >> 16) & 0xFF).\((v4 >> 8) & 0xFF).\(v4 & 0xFF):\(port)"
        }
        var groups: [String] = []
        for word in [bytes.0, bytes.1] {
            for shift in stride(from: 48, through: 0, by: -16) {
                groups.append(String((word >> UInt64(shift)) & 0xFFFF, radix: 16))
            }
        }
        return "[\(groups.joined(separator: ":"))]:\(port)"
    }
}

/// An IP address without a port.
public struct PeerHost: Sendable, Hashable {
    public let high: UInt64
    public let low: UInt64
}
