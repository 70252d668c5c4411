// libFuzzer harness for WireJSON (build and run: scripts/fuzz.sh WireJSON).
//
// The contract, asserted on every input (STYLE.md: fuzz to a contract, not "no crash"):
// 1. `parse` either returns a document or throws a syntax/limit `JSONError` whose offset
//    lies within the input. Access errors never come out of `parse`.
// 2. On a document, every getter either returns or throws a field-level error, string
//    views decode to exactly `utf8Count` bytes of valid UTF-8.
// 3. Writing the document with `JSONWriter` and parsing the output gives an equal
//    document (same structure, names and strings after decoding, same number tokens),
//    and writing that again gives identical bytes (the writer's form is canonical).

import WireJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWireJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    var parser = JSONParser()
    let root: JSONValue
    do {
        root = try parser.parse(input)
    } catch {
        guard error.isSyntaxError, let offset = error.offset, offset >= 0, offset <= size else {
            fatalError("undocumented parse error \(error) for \(size) bytes")
        }
        // The message is what a client reads in its `bad_json` error.
        guard !error.message.isEmpty else { fatalError("parse error without a message: \(error)") }
        return 0
    }
    exerciseGetters(root)

    var writer = JSONWriter()
    writer.value(root)
    var reparser = JSONParser()
    var rewriter = JSONWriter()
    writer.withUnsafeBytes { written in
        do {
            let copy = try reparser.parse(written)
            guard equal(root, copy) else { fatalError("round trip changed the document") }
            rewriter.value(copy)
        } catch {
            fatalError("writer output does not parse: \(error)")
        }
    }
    guard rewriter.bytes == writer.bytes else { fatalError("writer output is not canonical") }
    return 0
}

/// Calls every getter on every value and checks the documented outcomes.
private func exerciseGetters(_ value: JSONValue) {
    func check<T>(_ body: () throws(JSONError) -> T, allowed: Bool) {
        do throws(JSONError) {
            _ = try body()
            guard allowed else { fatalError("getter accepted a value of type \(value.type)") }
        } catch {
            guard !error.isSyntaxError, error.field != nil else { fatalError("getter threw \(error)") }
            switch error {
            case .wrongType: guard !allowed else { fatalError("wrong type for an allowed getter") }
            case .numberOutOfRange: guard allowed else { fatalError("range error for a disallowed getter") }
            default: fatalError("unexpected getter error \(error)")
            }
        }
    }
    let type = value.type
    check(value.bool, allowed: type == .bool)
    check(value.int64, allowed: type == .integer)
    check(value.double, allowed: type == .integer || type == .number)
    check(value.string, allowed: type == .string)
    check(value.array, allowed: type == .array)
    check(value.object, allowed: type == .object)
    switch type {
    case .string:
        guard let view = try? value.string() else { fatalError("string getter failed") }
        let string = view.makeString()
        guard string.utf8.count == view.utf8Count, view.equals(view) else { fatalError("decoded length mismatch") }
        var scratch: [UInt8] = []
        let same = view.withUTF8(scratch: &scratch) { bytes in bytes.elementsEqual(string.utf8) }
        guard same else { fatalError("withUTF8 disagrees with makeString") }
    case .array:
        guard let array = try? value.array() else { fatalError("array getter failed") }
        var count = 0
        for element in array {
            exerciseGetters(element)
            count += 1
        }
        guard count == array.count else { fatalError("array count mismatch") }
        checkBulkIntegers(array)
    case .object:
        guard let object = try? value.object() else { fatalError("object getter failed") }
        var count = 0
        for (name, member) in object {
            // Lookup by the decoded name finds this very member (names are unique).
            var scratch: [UInt8] = []
            let found = name.withUTF8(scratch: &scratch) { object.member(utf8: $0) }
            guard let found, equal(found, member) else { fatalError("lookup by name failed") }
            exerciseGetters(member)
            count += 1
        }
        guard count == object.count else { fatalError("object count mismatch") }
    case .null, .bool, .integer, .number:
        break
    }
}

/// Structural equality of two parsed values.
private func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
    guard a.type == b.type else { return false }
    switch a.type {
    case .null:
        return true
    case .bool:
        return (try? a.bool()) == (try? b.bool())
    case .integer, .number:
        guard let x = try? a.numberBytes(), let y = try? b.numberBytes() else { return false }
        return x.elementsEqual(y)
    case .string:
        guard let x = try? a.string(), let y = try? b.string() else { return false }
        return x.equals(y)
    case .array:
        guard let x = try? a.array(), let y = try? b.array(), x.count == y.count else { return false }
        return zip(x, y).allSatisfy { equal($0, $1) }
    case .object:
        guard let x = try? a.object(), let y = try? b.object(), x.count == y.count else { return false }
        return zip(x, y).allSatisfy { $0.name.equals($1.name) && equal($0.value, $1.value) }
    }
}

/// `int32s(into:)` (with its inline fast path) agrees element by element with `int32()`:
/// same values, or the same error as the first element that fails.
private func checkBulkIntegers(_ array: JSONArray) {
    var expected: Result<[Int32], JSONError> = .success([])
    var values: [Int32] = []
    for element in array {
        do throws(JSONError) {
            values.append(try element.int32())
        } catch {
            expected = .failure(error)
            break
        }
    }
    if case .success = expected { expected = .success(values) }
    var bulk: [Int32] = [7]
    let actual = Result { () throws(JSONError) -> [Int32] in
        try array.int32s(into: &bulk)
        return bulk
    }
    let buffer = UnsafeMutableBufferPointer<Int32>.allocate(capacity: array.count)
    defer { buffer.deallocate() }
    let viaBuffer = Result { () throws(JSONError) -> [Int32] in
        Array(buffer[0..<(try array.int32s(into: buffer))])
    }
    guard actual == expected, viaBuffer == expected else { fatalError("int32s disagrees with int32()") }
}
