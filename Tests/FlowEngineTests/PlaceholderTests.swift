import Testing
@testable import FlowEngine
@Test func placeholder() { #expect(true) }
