/// The API key of a WakaTime client's request: `Authorization: Basic base64(key)` (what
/// every WakaTime client sends; a `key:` user-password pair is accepted too),
/// `Authorization: Bearer key`, or `?api_key=key`.
enum WakaTimeCredentials {
    /// Longest credential looked at.
    static let maxBytes = 512

    static func key(authorization: String?, apiKeyParameter: String?) -> String? {
        if let authorization, authorization.utf8.count <= maxBytes {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2 {
                let scheme = parts[0].lowercased()
                let value = parts[1].trimmingSpaces
                if scheme == "basic", let decoded = LenientBase64.decode(value) {
                    let text = String(decoding: decoded, as: UTF8.self)
                    // RFC 7617: user-id ":" password; WakaTime puts the key alone, others
                    // put it as the user name.
                    return String(text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                }
                if scheme == "bearer" { return String(value) }
            }
            return authorization
        }
        return apiKeyParameter
    }
}

/// Lenient base64 decoding for Basic credentials: RFC 4648 §4 or §5 alphabet, padding
/// optional. Editor plugins encode keys in different ways, and a key that decodes to the
/// wrong bytes is refused by the token check anyway; the handshake's strict decoder
/// (WSProtocol's `Base64`) stays strict.
enum LenientBase64 {
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            guard padding == 0 else { return nil }  // data after padding
            buffer = (buffer << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return padding <= 2 ? output : nil
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while result.first == " " { result = result.dropFirst() }
        while result.last == " " { result = result.dropLast() }
        return result
    }
}
