import TestSupport
import Testing

@testable import CoachingCore

/// The 16-byte name keys: whenever two ASCII names' keys differ, they order the names as
/// `String` does; they differ for names that differ in their first 16 bytes.
struct NameKeyTests {
    func keyPrecedes(_ a: String, _ b: String) -> Bool? {
        let x = NameKey(a), y = NameKey(b)
        guard x.high != NameKey.undecided, y.high != NameKey.undecided, x != y else { return nil }
        return x.high != y.high ? x.high < y.high : x.low < y.low
    }

    @Test("names equal in 8 bytes but not in 16 are ordered by the key alone, as String orders them")
    func sixteenBytes() {
        let pairs = [
            ("soak-3f9a1c-17", "soak-3f9a1c-170"), ("soak-3f9a1c-18", "soak-3f9a1c-179"), ("abcdefghZ", "abcdefgha"),
            ("abcdefgh", "abcdefgh\u{1}"), ("abcdefghijklmnop", "abcdefghijklmnoo"),
        ]
        for (a, b) in pairs {
            #expect(keyPrecedes(a, b) == (a < b), "\(a) vs \(b)")
            #expect(keyPrecedes(b, a) == (b < a), "\(b) vs \(a)")
        }
    }

    @Test("names equal in 16 bytes, names with a NUL, and names with a scalar from U+0300 on (anywhere) are left to the strings")
    func leftToTheStrings() {
        #expect(keyPrecedes("abcdefghijklmnopX", "abcdefghijklmnopY") == nil)
        #expect(keyPrecedes("abc", "abc\u{0}") == nil)
        #expect(keyPrecedes("Zoe\u{308}", "Zoe") == nil)
        #expect(keyPrecedes("Zoë", "Zoe\u{308}") == nil)
        #expect(keyPrecedes("Zoë", "日本") == nil)
        // é composed after byte 16 of one name: its 16th byte 'e' is below 'f', but String
        // compares é (U+00E9) above f.
        #expect(keyPrecedes("aaaaaaaaaaaaaaae\u{301}", "aaaaaaaaaaaaaaaf") == nil)
        #expect("aaaaaaaaaaaaaaaf" < "aaaaaaaaaaaaaaae\u{301}")
    }

    @Test("names of Latin letters below U+0300 (é, ü, ß, Ł, ő, ǆ) are ordered by the key alone, as String orders them")
    func latin() {
        let names = ["Zoë", "Zoe", "Zoé", "Zoz", "Émile", "Emile", "Łukasz", "Lukas", "Müller", "Muller", "Mueller", "Straße", "Strasse", "Erdős", "ǆemal", "dzemal", "ÿ", "z"]
        for a in names {
            for b in names where a != b {
                #expect(keyPrecedes(a, b) == (a < b), "\(a) vs \(b)")
            }
        }
    }

    @Test("random ASCII names: the key orders every pair it can as String does, and decides every pair that differs in 16 bytes")
    func randomASCII() {
        var generator = SeededGenerator(seed: 3)
        let alphabet = Array("ab-0\u{0}~Z".utf8)
        for _ in 0..<20_000 {
            let a = String(decoding: (0..<Int(generator.next() % 20)).map { _ in alphabet[Int(generator.next() % 7)] }, as: UTF8.self)
            var bytes = Array(a.utf8)
            if !bytes.isEmpty && generator.next() % 2 == 0 { bytes[Int(generator.next() % UInt64(bytes.count))] = alphabet[Int(generator.next() % 7)] }
            let b = String(decoding: bytes, as: UTF8.self)
            if let decided = keyPrecedes(a, b) { #expect(decided == (a < b), "\(a) vs \(b)") }
            let padded = { (s: String) in Array(s.utf8.prefix(16)) + Array(repeating: 0, count: 16 - min(16, s.utf8.count)) }
            if padded(a) != padded(b) { #expect(keyPrecedes(a, b) != nil, "\(a) vs \(b)") }
        }
    }

    @Test("random names over ASCII, Latin letters, combining marks and other scripts: the key never contradicts String")
    func randomUnicode() {
        var generator = SeededGenerator(seed: 11)
        let scalars: [Unicode.Scalar] = ["a", "e", "z", "Z", "\u{0}", "\u{7F}", "\u{80}", "é", "ë", "ÿ", "Ā", "ő", "ǅ", "ɐ", "ʰ", "˿",
            "\u{300}", "\u{301}", "\u{308}", "\u{327}", "Ω", "日", "한", "\u{1100}", "\u{1161}", "😀"]
        for _ in 0..<20_000 {
            var a = String.UnicodeScalarView(), b = String.UnicodeScalarView()
            for _ in 0..<Int(generator.next() % 12) { a.append(scalars[Int(generator.next() % UInt64(scalars.count))]) }
            b = a
            if !b.isEmpty && generator.next() % 2 == 0 {
                let index = b.index(b.startIndex, offsetBy: Int(generator.next() % UInt64(b.count)))
                b.replaceSubrange(index...index, with: [scalars[Int(generator.next() % UInt64(scalars.count))]])
            } else {
                b.append(scalars[Int(generator.next() % UInt64(scalars.count))])
            }
            let x = String(a), y = String(b)
            if let decided = keyPrecedes(x, y) { #expect(decided == (x < y), "\(x.unicodeScalars.map(\.value)) vs \(y.unicodeScalars.map(\.value))") }
        }
    }

    @Test("equal names with different ids rank by id")
    func equalNames() {
        var index = RankIndex()
        for id in ["u3", "u1", "u2"] { index.set(userId: id, name: "soak-3f9a1c-1234", valueMs: 5_000, visible: true) }
        #expect(index.entries.map(\.userId) == ["u1", "u2", "u3"])
    }
}
