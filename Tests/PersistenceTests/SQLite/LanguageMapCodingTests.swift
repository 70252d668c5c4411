@testable import Persistence
import Testing

struct LanguageMapCodingTests {
    @Test("language maps round-trip, including names with the separators and escapes")
    func roundTrip() {
        let maps: [[String: Int64]] = [
            [:], ["swift": 1], ["c": 1_500, "swift": 4_500], ["a=b;c%d": 7, "%3B": 8, "": 0, "名前": -1, "x'); DROP TABLE users;--": 9],
        ]
        for map in maps {
            #expect(LanguageMapCoding.decode(LanguageMapCoding.encode(map)) == map)
        }
        #expect(LanguageMapCoding.encode(["swift": 4_500, "c": 1_500]) == "c=1500;swift=4500")
    }

    @Test("text not in the format is refused, not misread", arguments: ["swift", "swift=x", "a%2=1", "a%zz=1", ";"])
    func refusesGarbage(_ text: String) {
        #expect(LanguageMapCoding.decode(text) == nil)
    }
}
