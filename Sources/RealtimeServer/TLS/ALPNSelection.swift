import CoachingCore
/// Server-side ALPN choice (RFC 7301 §3.2), separate from OpenSSL so it can be tested
/// with plain bytes.
enum ALPNSelection {
    /// Where the chosen name sits inside the client's offer.
    struct Choice: Equatable {
        var offset: Int
        var length: Int
    }

    /// The first of `ours` (wire format, ended by a zero length byte) that appears in
    /// `offered` (the client's wire-format list), located inside `offered`. `nil` when
    /// nothing matches or the client's list is malformed.
    static func select(ours: UnsafeRawPointer, offered: UnsafeRawBufferPointer) -> Choice? {
        var ourOffset = 0
        while true {
            let ourLength = Int(ours.load(fromByteOffset: ourOffset, as: UInt8.self))
            if ourLength == 0 { return nil }
            let ourName = UnsafeRawBufferPointer(start: ours + ourOffset + 1, count: ourLength)
            if let choice = find(ourName, in: offered) { return choice }
            ourOffset += 1 + ourLength
        }
    }

    /// Finds `name` among the length-prefixed entries of `list`.
    private static func find(_ name: UnsafeRawBufferPointer, in list: UnsafeRawBufferPointer) -> Choice? {
        var index = 0
        while index < list.count {
            let length = Int(list[index])
            let start = index + 1
            // RFC 7301 §3.1: empty names and truncated entries make the list invalid.
            guard length > 0, start + length <= list.count else { return nil }
            if length == name.count, memcmpEqual(name, UnsafeRawBufferPointer(rebasing: list[start..<(start + length)])) {
                return Choice(offset: start, length: length)
            }
            index = start + length
        }
        return nil
    }

    private static func memcmpEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}
