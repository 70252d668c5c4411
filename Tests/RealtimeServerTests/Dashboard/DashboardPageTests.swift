@testable import CoachingCore
import Foundation
import Testing
@testable import RealtimeServer

struct DashboardPageTests {
    @Test("the page names the client exactly once, and the served page carries the client's source in its place")
    func clientInlined() {
        let page = String(decoding: PackageResources.dashboard_html, as: UTF8.self)
        let client = String(decoding: PackageResources.flowcoach_js, as: UTF8.self)
        #expect(page.components(separatedBy: DashboardPage.clientMarker).count == 2)
        let served = String(decoding: DashboardPage.html, as: UTF8.self)
        #expect(!served.contains(DashboardPage.clientMarker))
        #expect(served.contains(client) && client.utf8.count > 1_000)
    }

    @Test("the inlined client cannot close the page's script element")
    func clientKeepsTheScriptOpen() {
        let client = String(decoding: PackageResources.flowcoach_js, as: UTF8.self).lowercased()
        #expect(!client.contains("</script"))
    }
}
