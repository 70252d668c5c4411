/// Incremental UTF-8 validator (RFC 3629 as required by RFC 6455 §8.1).
///
/// The state survives between calls so a text message can be checked fragment by fragment
/// and run by run as bytes arrive, failing at the first byte that cannot start or continue
/// a well-formed sequence: overlong forms, UTF-16 surrogates (U+D800-DFFF), code points
/// above U+10FFFF and stray continuation bytes. A sequence cut off at the end of the message
/// is caught by `isComplete`.
public struct UTF8Validator: Sendable, Hashable {
    /// 0: between sequences. 1-3: that many plain continuation bytes (80-BF) expected.
    /// 4: after E0 (next A0-BF). 5: after ED (next 80-9F). 6: after F0 (next 90-BF).
    /// 7: after F4 (next 80-8F). 8: failed (sticky).
    @usableFromInline var state: UInt8 = 0

    /// A validator at the start of a message.
    public init() {}

    /// True when no sequence is open: the bytes so far end on a character boundary.
    @inlinable public var isComplete: Bool { state == 0 }
    /// True once an invalid byte was seen.
    @inlinable public var hasFailed: Bool { state == 8 }

    /// Forgets everything (start of the next text message).
    @inlinable public mutating func reset() { state = 0 }

    /// Validates the next bytes of the stream; returns false (and stays failed) at the first
    /// invalid byte.
    @inlinable public mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard state != 8 else { return false }
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        var s = state
        while index < count {
            if s == 0 {
                // ASCII fast path, 8 bytes at a time.
                while index + 8 <= count,
                      (base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                }
                if index == count { break }
            }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            s = UTF8Validator.step(s, byte)
            if s == 8 {
                state = 8
                return false
            }
            index += 1
        }
        state = s
        return true
    }

    /// One transition of the automaton.
    @inlinable static func step(_ state: UInt8, _ byte: UInt8) -> UInt8 {
        switch state {
        case 0:
            switch byte {
            case 0x00...0x7F: return 0
            case 0xC2...0xDF: return 1          // C0, C1 would be overlong
            case 0xE0: return 4                 // E0 80-9F would be overlong
            case 0xE1...0xEC, 0xEE...0xEF: return 2
            case 0xED: return 5                 // ED A0-BF would be a surrogate
            case 0xF0: return 6                 // F0 80-8F would be overlong
            case 0xF1...0xF3: return 3
            case 0xF4: return 7                 // F4 90-BF would exceed U+10FFFF
            default: return 8                   // 80-C1 and F5-FF never start a sequence
            }
        case 1, 2, 3:
            return (0x80...0xBF).contains(byte) ? state - 1 : 8
        case 4:
            return (0xA0...0xBF).contains(byte) ? 1 : 8
        case 5:
            return (0x80...0x9F).contains(byte) ? 1 : 8
        case 6:
            return (0x90...0xBF).contains(byte) ? 2 : 8
        case 7:
            return (0x80...0x8F).contains(byte) ? 2 : 8
        default:
            return 8
        }
    }

    /// Whether `bytes` is a complete, well-formed UTF-8 string.
    @inlinable public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var validator = UTF8Validator()
        return validator.validate(bytes) && validator.isComplete
    }
}
