/// `Sec-WebSocket-Accept` (RFC 6455 §4.2.2 step 5.4, §1.3).
public enum AcceptKey {
    /// The GUID of RFC 6455 §1.3, concatenated with the client's key.
    public static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The length of the value: base64 of a 20-byte SHA-1 digest.
    public static let length = 28

    /// RFC 6455 §4.2.2: the value is the base64-encoded SHA-1 of the concatenation of the
    /// |Sec-WebSocket-Key| (as sent, not base64-decoded) with the GUID.
    public static func compute(forKey key: String) -> String {
        String(unsafeUninitializedCapacity: length) { write(forKey: key, into: UnsafeMutableRawBufferPointer($0)) }
    }

    /// ``compute(forKey:)`` into the first ``length`` bytes of `out`, allocating nothing.
    @discardableResult
    public static func write(forKey key: String, into out: UnsafeMutableRawBufferPointer) -> Int {
        var sha = SHA1()
        sha.update(key.utf8)
        sha.update(guid.utf8)
        return SHA1.withBytes(of: sha.finalizeDigest()) { Base64.encode($0, into: out) }
    }
}
