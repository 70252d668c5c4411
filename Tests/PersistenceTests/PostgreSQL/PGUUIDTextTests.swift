import Testing

@testable import Persistence

/// UUID text → 128 bits in one pass: what `isUUID` accepts and what the binary arrays send
/// (their byte layout: PGValueTests).
struct PGUUIDTextTests {
    @Test("a UUID decodes to its 16 bytes, in either case")
    func decodes() throws {
        let parsed = try #require(PGUUIDText.parse("0b7c3c1e-5d0e-4a53-9d5c-1f0f3e2b9a77"))
        #expect(parsed.high == 0x0b7c_3c1e_5d0e_4a53)
        #expect(parsed.low == 0x9d5c_1f0f_3e2b_9a77)
        let upper = try #require(PGUUIDText.parse("0B7C3C1E-5D0E-4A53-9D5C-1F0F3E2B9A77"))
        #expect(upper == parsed)
    }

    @Test("anything but 8-4-4-4-12 hex digits is not a UUID", arguments: [
        "", "0b7c3c1e5d0e4a539d5c1f0f3e2b9a77", "0b7c3c1e-5d0e-4a53-9d5c-1f0f3e2b9a7",
        "0b7c3c1e-5d0e-4a53-9d5c-1f0f3e2b9a777", "0b7c3c1e-5d0e-4a53-9d5c_1f0f3e2b9a77",
        "0b7c3c1e-5d0e-4a53-9d5c-1f0f3e2b9a7g", "0b7c3c1e--d0e-4a53-9d5c-1f0f3e2b9a77",
        "0b7c3c1e-5d0e-4a53-9d5c-1f0f3e2b9aé", "{0b7c3c1e-5d0e-4a53-9d5c-1f0f3e2b9a7}",
    ])
    func rejects(_ text: String) {
        #expect(PGUUIDText.parse(text) == nil)
        #expect(!PostgresSQL.isUUID(text))
    }
}
