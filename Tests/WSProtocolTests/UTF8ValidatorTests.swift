import TestSupport
import Testing
@testable import WSProtocol

struct UTF8ValidatorTests {
    private func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { UTF8Validator.isValid($0) } }

    /// Swift's own decoder as the oracle: valid exactly when decoding needs no repair.
    private func oracle(_ bytes: [UInt8]) -> Bool {
        String(validating: bytes, as: UTF8.self) != nil
    }

    @Test("§8.1 well-formed text of every sequence length is valid")
    func wellFormed() {
        #expect(valid(Array(ascii: "Hello, world")))
        #expect(valid(Array("κόσμε 日本語 🎉 \u{10FFFF}".utf8)))
        #expect(valid([0xEF, 0xBF, 0xBF]))  // U+FFFF
        #expect(valid([]))
    }

    @Test("§8.1 overlong encodings are invalid")
    func overlong() {
        #expect(!valid([0xC0, 0xAF]))
        #expect(!valid([0xC1, 0xBF]))
        #expect(!valid([0xE0, 0x80, 0xAF]))
        #expect(!valid([0xE0, 0x9F, 0xBF]))
        #expect(!valid([0xF0, 0x80, 0x80, 0xAF]))
        #expect(!valid([0xF0, 0x8F, 0xBF, 0xBF]))
    }

    @Test("§8.1 UTF-16 surrogates encoded in UTF-8 are invalid")
    func surrogates() {
        #expect(!valid([0xED, 0xA0, 0x80]))  // U+D800
        #expect(!valid([0xED, 0xBF, 0xBF]))  // U+DFFF
        #expect(valid([0xED, 0x9F, 0xBF]))   // U+D7FF
    }

    @Test("§8.1 code points above U+10FFFF and bytes F5-FF are invalid")
    func aboveMax() {
        #expect(!valid([0xF4, 0x90, 0x80, 0x80]))
        #expect(!valid([0xF5, 0x80, 0x80, 0x80]))
        #expect(!valid([0xFF]))
        #expect(!valid([0xFE]))
    }

    @Test("§8.1 a stray continuation byte or a sequence truncated at the end is invalid")
    func strayAndTruncated() {
        #expect(!valid([0x80]))
        #expect(!valid([0x41, 0xBF]))
        #expect(!valid([0xE2, 0x82]))       // truncated €
        #expect(!valid([0xF0, 0x9F, 0x8E])) // truncated 🎉
        #expect(!valid([0xE2, 0x41, 0xAC]))
    }

    @Test("§8.1 the validator fails at the first invalid byte, before later input")
    func failsFast() {
        var validator = UTF8Validator()
        let bad: [UInt8] = [0x41, 0xE2, 0x28]
        #expect(bad.withUnsafeBytes { validator.validate($0) } == false)
        #expect(validator.hasFailed)
        // Sticky: nothing later can repair it.
        #expect([0x41].withUnsafeBytes { validator.validate($0) } == false)
    }

    @Test("§8.1 validation carried across any split equals whole validation")
    func incrementalSplits() {
        let text = Array("aé€🎉 end".utf8)
        for split in 0...text.count {
            var validator = UTF8Validator()
            let ok1 = text[..<split].withUnsafeBytes { validator.validate($0) }
            #expect(ok1)
            #expect(validator.isComplete == oracle(Array(text[..<split])))
            let ok2 = text[split...].withUnsafeBytes { validator.validate($0) }
            #expect(ok2 && validator.isComplete)
        }
    }

    @Test("property: the validator agrees with Swift's decoder on 20,000 random byte strings")
    func agreesWithSwift() {
        var rng = SeededGenerator(seed: 2024)
        let alphabet: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
                                 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for round in 0..<20_000 {
            let length = Int.random(in: 0...12, using: &rng)
            let bytes: [UInt8] = (0..<length).map { _ in
                round % 2 == 0 ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            #expect(valid(bytes) == oracle(bytes), "\(bytes)")
        }
    }

    @Test("property: long ASCII runs with one multibyte character take the fast path correctly")
    func asciiFastPath() {
        for position in 0..<40 {
            var bytes = [UInt8](repeating: 0x61, count: 40)
            bytes.insert(contentsOf: [0xE2, 0x82, 0xAC], at: position)
            #expect(valid(bytes))
            bytes[position + 1] = 0x41
            #expect(!valid(bytes))
        }
    }
}
