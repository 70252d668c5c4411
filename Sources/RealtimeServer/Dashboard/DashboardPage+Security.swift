import Persistence
public import WSProtocol

/// The dashboard's security headers. The page is self-contained (inline CSS and one inline
/// module script), so its Content-Security-Policy allows exactly those two blocks by their
/// SHA-256 (CSP Level 2 hash sources) and nothing else: an injected script, a foreign frame
/// parent or a form post elsewhere is refused by the browser.
extension DashboardPage {
    public static let securityHeaders: [HTTPHeader] = [
        HTTPHeader(name: "Content-Security-Policy", value: contentSecurityPolicy(for: html)),
        HTTPHeader(name: "X-Content-Type-Options", value: "nosniff"),
        HTTPHeader(name: "Referrer-Policy", value: "no-referrer"),
        HTTPHeader(name: "X-Frame-Options", value: "DENY"),
    ]

    /// `connect-src 'self'` covers the page's own `ws:`/`wss:` origin (CSP Level 3).
    static func contentSecurityPolicy(for page: [UInt8]) -> String {
        let scripts = blocks(in: page, open: #"<script type="module">"#, close: "</script>").map(hashSource)
        let styles = blocks(in: page, open: "<style>", close: "</style>").map(hashSource)
        return [
            "default-src 'none'",
            "script-src " + (scripts.isEmpty ? "'none'" : scripts.joined(separator: " ")),
            "style-src " + (styles.isEmpty ? "'none'" : styles.joined(separator: " ")),
            "connect-src 'self'", "img-src 'self' data:", "base-uri 'none'", "form-action 'none'",
            "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    /// The contents of every `open`…`close` block, byte for byte (what the browser hashes).
    static func blocks(in page: [UInt8], open: String, close: String) -> [ArraySlice<UInt8>] {
        let openBytes = Array(open.utf8)
        let closeBytes = Array(close.utf8)
        var found: [ArraySlice<UInt8>] = []
        var rest = page[...]
        while let start = rest.firstRange(of: openBytes) {
            let body = rest[start.upperBound...]
            guard let end = body.firstRange(of: closeBytes) else { break }
            found.append(body[..<end.lowerBound])
            rest = body[end.upperBound...]
        }
        return found
    }

    private static func hashSource(_ bytes: ArraySlice<UInt8>) -> String {
        "'sha256-" + Base64.encode(TokenDigest.sha256(Array(bytes))) + "'"
    }
}

/// `/metrics` behind `metrics.token`: the Bearer credential compared in constant time
/// (through its digest, so the comparison's length says nothing either).
enum MetricsAccess {
    static func allows(_ head: HTTPRequestHead, token: String) -> Bool {
        guard let value = head.firstValue(forName: "Authorization") else { return false }
        let utf8 = Array(value.utf8)
        let scheme = Array("bearer ".utf8)
        guard utf8.count > scheme.count, utf8.prefix(scheme.count).map({ $0 | 0x20 }) == scheme.map({ $0 | 0x20 }) else {
            return false
        }
        return TokenDigest.constantTimeEquals(
            TokenDigest.sha256(Array(utf8.dropFirst(scheme.count))), TokenDigest.sha256(Array(token.utf8)))
    }
}
