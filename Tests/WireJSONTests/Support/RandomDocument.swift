import TestSupport
import WireJSON

/// Seeded generators of random documents and of random (but valid) spellings of them.
enum RandomDocument {
    /// A random tree: up to `depth` levels, unique member names, every kind of scalar.
    static func tree(depth: Int, using random: inout SeededGenerator) -> TestJSON {
        let pick = Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &random)
        switch pick {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .integer(String(Int64.random(in: .min ... .max, using: &random) >> Int64.random(in: 0...63, using: &random)))
        case 3: return .number(numberToken(using: &random))
        case 4, 5: return .string(string(using: &random))
        case 6: return .array((0..<Int.random(in: 0...6, using: &random)).map { _ in tree(depth: depth - 1, using: &random) })
        default:
            let count = Int.random(in: 0...7, using: &random)
            return .object((0..<count).map { index in
                // A random name made unique by its position.
                .init(name: string(using: &random) + "#\(index)", value: tree(depth: depth - 1, using: &random))
            })
        }
    }

    /// A random RFC 8259 §6 number token with a fraction and/or an exponent.
    static func numberToken(using random: inout SeededGenerator) -> String {
        var text = Bool.random(using: &random) ? "-" : ""
        text += Bool.random(using: &random) ? "0" : String(UInt64.random(in: 1...UInt64.max, using: &random) >> UInt64.random(in: 0...63, using: &random))
        let fraction = Bool.random(using: &random)
        if fraction { text += "." + String(UInt32.random(in: 0...UInt32.max, using: &random)) }
        if !fraction || Bool.random(using: &random) {
            text += ["e", "E"].randomElement(using: &random)! + ["", "+", "-"].randomElement(using: &random)!
            text += String(Int.random(in: 0...400, using: &random))
        }
        return text
    }

    /// A random string mixing ASCII, JSON specials, controls, BMP and astral scalars.
    static func string(using random: inout SeededGenerator) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            let value: UInt32 = switch Int.random(in: 0..<8, using: &random) {
            case 0: UInt32.random(in: 0...0x1F, using: &random)
            case 1: [0x22, 0x5C, 0x2F, 0x7F].randomElement(using: &random)!
            case 2: UInt32.random(in: 0x80...0x7FF, using: &random)
            case 3: [0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x2028, 0x2029, 0xFEFF].randomElement(using: &random)!
            case 4: UInt32.random(in: 0x10000...0x10FFFF, using: &random)
            case 5: UInt32.random(in: 0x800...0xD7FF, using: &random)
            default: UInt32.random(in: 0x20...0x7E, using: &random)
            }
            if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// Spells `tree` as JSON the way a foreign encoder might: random insignificant
    /// whitespace, and each character either as itself or as a `\u` escape (surrogate
    /// pairs for astral characters), short escapes in either legal form.
    static func spelling(of tree: TestJSON, using random: inout SeededGenerator) -> String {
        var out = ""
        spell(tree, into: &out, using: &random)
        return whitespace(using: &random) + out + whitespace(using: &random)
    }

    private static func spell(_ tree: TestJSON, into out: inout String, using random: inout SeededGenerator) {
        switch tree {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let text), .number(let text): out += text
        case .string(let s): spellString(s, into: &out, using: &random)
        case .array(let elements):
            out += "[" + whitespace(using: &random)
            for (k, element) in elements.enumerated() {
                if k > 0 { out += "," + whitespace(using: &random) }
                spell(element, into: &out, using: &random)
                out += whitespace(using: &random)
            }
            out += "]"
        case .object(let members):
            out += "{" + whitespace(using: &random)
            for (k, member) in members.enumerated() {
                if k > 0 { out += "," + whitespace(using: &random) }
                spellString(member.name, into: &out, using: &random)
                out += whitespace(using: &random) + ":" + whitespace(using: &random)
                spell(member.value, into: &out, using: &random)
                out += whitespace(using: &random)
            }
            out += "}"
        }
    }

    private static func spellString(_ s: String, into out: inout String, using random: inout SeededGenerator) {
        out += "\""
        for scalar in s.unicodeScalars {
            let mustEscape = scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
            if !mustEscape && Int.random(in: 0..<4, using: &random) > 0 {
                out.unicodeScalars.append(scalar)
                continue
            }
            let short: [Unicode.Scalar: String] = ["\"": "\\\"", "\\": "\\\\", "/": "\\/", "\u{08}": "\\b",
                                                   "\u{0C}": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"]
            if let escape = short[scalar], Bool.random(using: &random) {
                out += escape
            } else {
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16, uppercase: Bool.random(using: &random))
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            }
        }
        out += "\""
    }

    private static func whitespace(using random: inout SeededGenerator) -> String {
        guard Int.random(in: 0..<3, using: &random) == 0 else { return "" }
        return String((0..<Int.random(in: 1...3, using: &random)).map { _ in [" ", "\t", "\n", "\r"].randomElement(using: &random)! })
    }
}
