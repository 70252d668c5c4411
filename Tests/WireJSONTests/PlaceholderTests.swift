import Testing
@testable import WireJSON
@Test func placeholder() { #expect(true) }
