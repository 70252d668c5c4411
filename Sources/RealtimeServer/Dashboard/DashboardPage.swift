import CoachingCore
/// The live dashboard served at `GET /`: one self-contained HTML page (inline CSS and
/// JavaScript, no external assets). `dashboard.html` and the JavaScript client it uses
/// (`clients/js/flowcoach.js`) are compiled into the binary as resources; the client is
/// inlined where the page names it, once, at first use.
public enum DashboardPage {
    /// The line of the page that the client's source replaces.
    static let clientMarker = "// @flowcoach-client clients/js/flowcoach.js"

    /// The page as UTF-8 bytes, ready to be the body of a `200 text/html; charset=utf-8`.
    public static let html: [UInt8] = assemble(page: PackageResources.dashboard_html, client: PackageResources.flowcoach_js)

    /// `page` with the marker line replaced by `client`; the page unchanged when the marker
    /// is missing (a test guards that it is there exactly once).
    static func assemble(page: [UInt8], client: [UInt8]) -> [UInt8] {
        let marker = Array(clientMarker.utf8)
        guard let start = page.firstRange(of: marker) else { return page }
        return Array(page[..<start.lowerBound]) + client + Array(page[start.upperBound...])
    }
}
