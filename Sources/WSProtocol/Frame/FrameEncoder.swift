/// Writes frames (RFC 6455 §5.2) into a `ByteWriter`.
///
/// Server frames are unmasked; client frames (the soak client, tests) are masked with a key
/// the caller draws from an injected generator. Lengths always use the minimal encoding.
public enum FrameEncoder {
    /// Writes the header of a frame whose payload the caller appends next.
    ///
    /// RFC 6455 §5.2: the minimal number of bytes MUST be used to encode the length.
    @inlinable public static func writeHeader(_ header: FrameHeader, into output: inout ByteWriter) {
        var scratch: (UInt64, UInt64) = (0, 0)
        let length = withUnsafeMutableBytes(of: &scratch) { raw -> Int in
            raw[0] = header.firstByte
            let maskBit: UInt8 = header.maskingKey == nil ? 0 : 0x80
            let payload = header.payloadLength
            var index: Int
            if payload <= 125 {
                raw[1] = maskBit | UInt8(payload)
                index = 2
            } else if payload <= 0xFFFF {
                raw[1] = maskBit | 126
                raw[2] = UInt8(truncatingIfNeeded: payload >> 8)
                raw[3] = UInt8(truncatingIfNeeded: payload)
                index = 4
            } else {
                raw[1] = maskBit | 127
                let value = UInt64(payload)
                for i in 0..<8 { raw[2 + i] = UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64(i))) }
                index = 10
            }
            if let key = header.maskingKey {
                let packed = key.packed
                for i in 0..<4 { raw[index + i] = UInt8(truncatingIfNeeded: packed >> (8 * UInt32(i))) }
                index += 4
            }
            return index
        }
        withUnsafeBytes(of: scratch) { raw in
            output.append(UnsafeRawBufferPointer(rebasing: raw[0..<length]))
        }
    }

    /// Writes a whole unmasked text or binary frame (a server's, with no extension) with
    /// one reservation in `output`: the header and then the payload.
    ///
    /// RFC 6455 §5.2: the minimal number of bytes MUST be used to encode the length.
    @inlinable public static func writeUnmaskedDataFrame(
        _ opcode: Opcode, payload: UnsafeRawBufferPointer, into output: inout ByteWriter
    ) {
        let length = payload.count
        let headerLength = length <= 125 ? 2 : (length <= 0xFFFF ? 4 : 10)
        output.appendWithUnsafeMutableBytes(maximumCount: headerLength &+ length) { raw in
            guard let target = raw.baseAddress else { return 0 }
            target.storeBytes(of: 0x80 | opcode.rawValue, as: UInt8.self)  // FIN, no RSV bits
            switch headerLength {
            case 2:
                target.storeBytes(of: UInt8(truncatingIfNeeded: length), toByteOffset: 1, as: UInt8.self)
            case 4:
                target.storeBytes(of: 126, toByteOffset: 1, as: UInt8.self)
                target.storeBytes(of: UInt16(truncatingIfNeeded: length).bigEndian, toByteOffset: 2, as: UInt16.self)
            default:
                target.storeBytes(of: 127, toByteOffset: 1, as: UInt8.self)
                target.storeBytes(of: UInt64(length).bigEndian, toByteOffset: 2, as: UInt64.self)
            }
            if length > 0, let source = payload.baseAddress {
                (target + headerLength).copyMemory(from: source, byteCount: length)
            }
            return headerLength &+ length
        }
    }

    /// Writes one complete frame: header, then the payload (masked in the output when `mask`
    /// is given). Use it to pre-encode a message once for fan-out to many connections.
    ///
    /// - Precondition: control frames (close, ping, pong) have `fin` set and at most 125
    ///   payload bytes (RFC 6455 §5.5); that is the caller's responsibility, not the peer's.
    public static func writeFrame(
        opcode: Opcode, payload: UnsafeRawBufferPointer, fin: Bool = true, rsv1: Bool = false,
        mask: MaskingKey? = nil, into output: inout ByteWriter
    ) {
        writeFrame(opcode: opcode, payload: payload, fin: fin, reservedBits: rsv1 ? FrameHeader.rsv1 : 0, mask: mask, into: &output)
    }

    /// Writes one complete frame with any RSV bits (extensions).
    public static func writeFrame(
        opcode: Opcode, payload: UnsafeRawBufferPointer, fin: Bool = true, reservedBits: UInt8,
        mask: MaskingKey? = nil, into output: inout ByteWriter
    ) {
        precondition(!opcode.isReserved, "FrameEncoder: reserved opcode \(opcode)")
        // RFC 6455 §5.5: all control frames MUST have a payload length of 125 bytes or less
        // and MUST NOT be fragmented.
        precondition(!opcode.isControl || (fin && payload.count <= 125), "FrameEncoder: invalid control frame")
        let header = FrameHeader(
            fin: fin, reservedBits: reservedBits, opcode: opcode,
            maskingKey: mask, payloadLength: payload.count)
        writeHeader(header, into: &output)
        guard let key = mask else {
            output.append(payload)
            return
        }
        // RFC 6455 §5.3: the payload is masked with the key; copy then mask in the output.
        output.appendWithUnsafeMutableBytes(maximumCount: payload.count) { target in
            if payload.count > 0, let base = payload.baseAddress {
                target.baseAddress?.copyMemory(from: base, byteCount: payload.count)
            }
            key.unmask(target, offset: 0)
            return payload.count
        }
    }

    /// Convenience for byte arrays (tests, the soak client).
    public static func writeFrame(
        opcode: Opcode, payload: [UInt8], fin: Bool = true, rsv1: Bool = false,
        mask: MaskingKey? = nil, into output: inout ByteWriter
    ) {
        payload.withUnsafeBytes { writeFrame(opcode: opcode, payload: $0, fin: fin, rsv1: rsv1, mask: mask, into: &output) }
    }
}
