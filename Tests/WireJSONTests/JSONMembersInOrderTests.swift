import Testing
import WireJSON

/// ``JSONMembersInOrder`` answers as the subscript does, in any order of look-ups.
struct JSONMembersInOrderTests {
    let text = #"{"a":1,"bb":[1,{"a":9}],"c":{"d":2},"\u0065":3,"f":null}"#
    let names: [StaticString] = ["a", "bb", "c", "e", "f", "x", "d"]

    @Test("in order, reversed, repeated and absent names find what the subscript finds")
    func sameAsSubscript() throws {
        let orders: [[Int]] = [[0, 1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1, 0], [2, 2, 0, 4, 1, 3, 0, 5], [3, 0, 4, 1]]
        for order in orders {
            let found = try withObject(text) { object throws(JSONError) -> [String] in
                var fields = JSONMembersInOrder(object)
                return order.map { index in
                    let expected = object[names[index]].map { "\($0.type)" } ?? "absent"
                    let got = fields.member(names[index]).map { "\($0.type)" } ?? "absent"
                    return expected == got ? "ok" : "\(names[index]): \(got), expected \(expected)"
                }
            }
            #expect(found.allSatisfy { $0 == "ok" }, "\(order): \(found)")
        }
    }

    @Test("values and errors name their member as the subscript's do")
    func valuesAndErrors() throws {
        try withObject(text) { object throws(JSONError) in
            var fields = JSONMembersInOrder(object)
            #expect(try fields.require("e").int64() == 3)
            #expect(try fields.require("a").int64() == 1)
            #expect(fields.presentMember("f") == nil)
            #expect(throws: JSONError.missingField(field: "x")) { try fields.require("x") }
            #expect(throws: JSONError.wrongType(field: "c", expected: .integer, found: .object)) { try fields.require("c").int64() }
        }
    }
}
