@testable import CoachingCore
import Testing

/// RFC 9562 §4 text form of session ids.
struct SessionIDTests {
    @Test("the text form parses to its 16 bytes and formats back in lowercase")
    func parseFormat() {
        let id = SessionID("123E4567-e89b-12d3-A456-426614174000")
        #expect(id == SessionID(high: 0x123e_4567_e89b_12d3, low: 0xa456_4266_1417_4000))
        #expect(id?.description == "123e4567-e89b-12d3-a456-426614174000")
        #expect(SessionID("00000000-0000-0000-0000-000000000000") == SessionID(high: 0, low: 0))
        #expect(SessionID("ffffffff-ffff-ffff-ffff-ffffffffffff") == SessionID(high: .max, low: .max))
    }

    @Test("round trip: format then parse gives the same id, for random ids")
    func roundTrip() {
        var generator = CodecTestRandom(seed: 42)
        for _ in 0..<1_000 {
            let id = SessionID(high: generator.next(), low: generator.next())
            #expect(SessionID(id.description) == id)
        }
    }

    @Test("the text form is each byte's two lowercase hex digits with hyphens after bytes 4, 6, 8 and 10")
    func formatAgainstReference() {
        var generator = CodecTestRandom(seed: 7)
        // Every nibble value in every position, then random words.
        var ids = (0..<16).map { nibble -> SessionID in
            let word = UInt64(nibble) * 0x1111_1111_1111_1111
            return SessionID(high: word, low: ~word)
        }
        for _ in 0..<2_000 { ids.append(SessionID(high: generator.next(), low: generator.next())) }
        for id in ids {
            let bytes = (0..<8).map { UInt8(truncatingIfNeeded: id.high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: id.low >> (56 - 8 * $0)) }
            var reference = ""
            for (index, byte) in bytes.enumerated() {
                if [4, 6, 8, 10].contains(index) { reference += "-" }
                reference += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
            }
            #expect(id.description == reference)
        }
    }

    @Test("every byte value at every digit place: accepted exactly when it is a hex digit of either case, with its value")
    func everyByteAtEveryPlace() {
        var generator = CodecTestRandom(seed: 9)
        let digitPlaces = (0..<36).filter { ![8, 13, 18, 23].contains($0) }
        for round in 0..<4 {
            let id = SessionID(high: generator.next(), low: generator.next())
            var text = Array(id.description.utf8)
            if round % 2 == 1 { text = text.map { $0 >= UInt8(ascii: "a") ? $0 - 32 : $0 } }  // upper case
            for place in digitPlaces {
                for byte in UInt8.min...UInt8.max {
                    var changed = text
                    changed[place] = byte
                    let parsed = changed.withUnsafeBytes { SessionID(utf8: $0) }
                    let value: UInt64? = switch byte {
                    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
                    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
                    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
                    default: nil
                    }
                    guard let value else {
                        #expect(parsed == nil, "byte \(byte) at \(place)")
                        continue
                    }
                    // The nibble's place in the 128 bits: digits before it, hyphens skipped.
                    let nibble = digitPlaces.firstIndex(of: place) ?? 0
                    let shift = UInt64(60 - 4 * (nibble % 16))
                    var expected = id
                    if nibble < 16 {
                        expected.high = expected.high & ~(0xF << shift) | value << shift
                    } else {
                        expected.low = expected.low & ~(0xF << shift) | value << shift
                    }
                    #expect(parsed == expected, "byte \(byte) at \(place)")
                }
            }
        }
    }

    @Test("anything but 8-4-4-4-12 hex digits is rejected")
    func rejects() {
        for bad in ["", "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
                    "123e4567e-89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400 ",
                    "g23e4567-e89b-12d3-a456-426614174000", "123e4567-e89b+12d3-a456-426614174000",
                    "123e4567-e89b-12d3-a456-4266141740é"] {
            #expect(SessionID(bad) == nil, "\(bad)")
        }
    }

    @Test("ordering follows the bytes, which is the order of the text forms")
    func ordering() {
        var generator = CodecTestRandom(seed: 1)
        for _ in 0..<200 {
            let a = SessionID(high: generator.next() % 4, low: generator.next())
            let b = SessionID(high: generator.next() % 4, low: generator.next())
            #expect((a < b) == (a.description < b.description))
        }
    }

    @Test("request ids keep up to 64 bytes inline and compare by content")
    func requestIDs() {
        let max = String(repeating: "x", count: 64)
        #expect(RequestID(max)?.description == max)
        #expect(RequestID(max + "x") == nil)
        #expect(RequestID("abc") == RequestID("abc"))
        #expect(RequestID("abc") != RequestID("abd"))
        #expect(RequestID("") == RequestID(""))
        #expect(Set([RequestID("a"), RequestID("a"), RequestID("b")]).count == 2)
    }
}
