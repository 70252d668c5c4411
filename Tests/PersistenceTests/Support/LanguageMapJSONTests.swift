import Testing

@testable import Persistence

struct LanguageMapJSONTests {
    static let maps: [[String: Int64]] = [
        [:], ["swift": 1], ["c": 1_500, "swift": 4_500],
        ["a=b;c%d": 7, "%3B": 8, "": 0, "名前": -1, "x'); DROP TABLE users;--": 9],
        ["c\"q\\": 2, "line\n": 3, "\u{1}": 4, "{": 5, "}": 6],
    ]

    @Test("language maps round-trip as JSON objects, including names with quotes, escapes and separators")
    func roundTrip() {
        for map in Self.maps {
            #expect(LanguageMapJSON.decode(LanguageMapJSON.encode(map)) == map)
        }
        #expect(LanguageMapJSON.encode(["swift": 4_500, "c": 1_500]) == #"{"c":1500,"swift":4500}"#)
        #expect(LanguageMapJSON.encode([:]) == "{}")
    }

    @Test("the object as PostgreSQL's jsonb prints it back is read too")
    func jsonbOutput() {
        #expect(LanguageMapJSON.decode(#"{"c": 1500, "swift": 4500}"#) == ["c": 1_500, "swift": 4_500])
    }

    @Test("JSON that is not an object of integers is refused, not misread",
          arguments: ["", "[1]", #"{"a":1.5}"#, #"{"a":"1"}"#, #"{"a":1,"a":2}"#, "{", "c=1500"])
    func refusesOtherJSON(_ text: String) {
        #expect(LanguageMapJSON.decode(text) == nil)
    }

    @Test("rows written by earlier builds (name=ms;… text) still read back")
    func legacyText() {
        #expect(LegacyLanguageMap.decode("") == [:])
        #expect(LegacyLanguageMap.decode("c=1500;swift=4500") == ["c": 1_500, "swift": 4_500])
        #expect(LegacyLanguageMap.decode("=0;%253B=8;a%3Db%3Bc%25d=7;{=5") == ["": 0, "%3B": 8, "a=b;c%d": 7, "{": 5])
        #expect(LegacyLanguageMap.decode("名前=-1") == ["名前": -1])
    }

    @Test("legacy text not in the format is refused, not misread", arguments: ["swift", "swift=x", "a%2=1", "a%zz=1", ";"])
    func refusesLegacyGarbage(_ text: String) {
        #expect(LegacyLanguageMap.decode(text) == nil)
    }
}
