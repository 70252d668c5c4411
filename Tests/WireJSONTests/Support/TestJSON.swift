import WireJSON

/// An owned JSON tree for tests: what a parsed document means, comparable with `==`.
/// Numbers keep their token text, strings their decoded value, objects their order.
indirect enum TestJSON: Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(String)
    case number(String)
    case string(String)
    case array([TestJSON])
    case object([Member])

    struct Member: Equatable, Sendable {
        var name: String
        var value: TestJSON
    }

    /// Builds the tree through the public access API only.
    init(_ value: JSONValue) throws(JSONError) {
        switch value.type {
        case .null: self = .null
        case .bool: self = .bool(try value.bool())
        case .integer: self = .integer(String(decoding: try value.numberBytes(), as: UTF8.self))
        case .number: self = .number(String(decoding: try value.numberBytes(), as: UTF8.self))
        case .string: self = .string(try value.ownedString())
        case .array:
            var elements: [TestJSON] = []
            for element in try value.array() { elements.append(try TestJSON(element)) }
            self = .array(elements)
        case .object:
            var members: [Member] = []
            for (name, member) in try value.object() {
                members.append(Member(name: name.makeString(), value: try TestJSON(member)))
            }
            self = .object(members)
        }
    }

    /// Compact JSON with the writer (the form the round-trip tests compare against).
    func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let b): writer.value(b)
        case .integer(let text), .number(let text):
            var text = text
            text.withUTF8 { raw in
                var parser = JSONParser()
                // Only valid tokens are stored, so this parse cannot fail.
                if let parsed = try? parser.parse(UnsafeRawBufferPointer(raw)) { writer.value(parsed) }
            }
        case .string(let s): writer.value(string: s)
        case .array(let elements):
            writer.beginArray()
            for element in elements { element.write(to: &writer) }
            writer.endArray()
        case .object(let members):
            writer.beginObject()
            for member in members {
                writer.key(string: member.name)
                member.value.write(to: &writer)
            }
            writer.endObject()
        }
    }

    var description: String {
        var writer = JSONWriter()
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// Parses `bytes` with a fresh parser and returns the tree or the error.
func parseTree(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) -> Result<TestJSON, JSONError> {
    var parser = JSONParser(limits: limits)
    return bytes.withUnsafeBytes { raw in
        Result { () throws(JSONError) -> TestJSON in try TestJSON(try parser.parse(raw)) }
    }
}

/// Parses the UTF-8 of `text`.
func parseTree(_ text: String, limits: JSONLimits = JSONLimits()) -> Result<TestJSON, JSONError> {
    parseTree(Array(text.utf8), limits: limits)
}

/// The error parsing `text` throws, or `nil` when it parses.
func parseError(_ text: String, limits: JSONLimits = JSONLimits()) -> JSONError? {
    parseError(Array(text.utf8), limits: limits)
}

/// The error parsing `bytes` throws, or `nil` when it parses (no tree is built, so
/// documents deeper than the test thread's stack are fine).
func parseError(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) -> JSONError? {
    var parser = JSONParser(limits: limits)
    let result = bytes.withUnsafeBytes { raw in
        Result { () throws(JSONError) in _ = try parser.parse(raw) }
    }
    if case .failure(let error) = result { return error }
    return nil
}

/// Calls `body` with the top-level object of `text`.
func withObject<R>(_ text: String, _ body: (JSONObject) throws(JSONError) -> R) throws(JSONError) -> R {
    var parser = JSONParser()
    let bytes = Array(text.utf8)
    let result = bytes.withUnsafeBytes { raw in
        Result { () throws(JSONError) -> R in try body(try parser.parseObject(raw)) }
    }
    return try result.get()
}

/// Writes with a fresh writer and returns the text.
func written(_ body: (inout JSONWriter) -> Void) -> String {
    var writer = JSONWriter()
    body(&writer)
    return String(decoding: writer.bytes, as: UTF8.self)
}
