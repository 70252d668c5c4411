import Testing
@testable import WSProtocol
@Test func placeholder() { #expect(true) }
