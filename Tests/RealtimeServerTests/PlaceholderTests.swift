import Testing
@testable import RealtimeServer
@Test func placeholder() { #expect(true) }
