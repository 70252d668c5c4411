import TestSupport
import Testing
@testable import WireJSON

/// ``JSONFragment``: what a fixed-shape message writes in place must be what the writer's
/// own entry points would have written.
struct JSONFragmentTests {
    private func fragment(maximumCount: Int = 64, _ body: (inout JSONFragment) -> Void) -> String {
        var writer = JSONWriter()
        writer.appendFragment(maximumCount: maximumCount, body)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test("literals, bytes and ids are copied as they are, in order, with one append")
    func literalsAndBytes() {
        let id = Array("6f1c2a3e".utf8)
        let text = fragment { f in
            f.literal(#"{"type":"flow","session":""#)
            f.write(count: id.count) { $0.copyBytes(from: id) }
            f.literal(#"","ok":"#)
            f.value(true)
            id.withUnsafeBytes { f.verbatim(UnsafeRawBufferPointer(rebasing: $0[0..<0])) }
            f.literal("}")
        }
        #expect(text == #"{"type":"flow","session":"6f1c2a3e","ok":true}"#)
    }

    @Test("the literal copy moves exactly n bytes at every length, overlapping word moves included, and nothing around them")
    func literalCopyLengths() {
        let source = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
        for n in 0...48 {
            var target = [UInt8](repeating: 0xEE, count: n + 16)
            source.withUnsafeBytes { from in
                target.withUnsafeMutableBytes { to in
                    guard let from = from.baseAddress, let to = to.baseAddress else { return }
                    JSONFragment.copy(from, to: to + 8, count: n)
                }
            }
            #expect(Array(target[8..<(8 + n)]) == Array(source[0..<n]), "length \(n)")
            #expect(target[0..<8].allSatisfy { $0 == 0xEE } && target[(8 + n)...].allSatisfy { $0 == 0xEE }, "length \(n)")
        }
    }

    @Test("integers are the writer's", arguments: [Int64.min, Int64.max, 0, -1, 9, 10, -10, 99, 100, 1_234_567_890])
    func integers(value: Int64) {
        #expect(fragment { $0.value(value) } == written { $0.value(value) })
    }

    @Test("decimal units are the whole part, a point and the fraction zero-padded, at every width (thousandths' own path included)")
    func decimalUnits() {
        func reference(_ units: UInt64, _ digits: Int) -> String {
            let scale = JSONWriter.powerOfTen(digits)
            let fraction = String(units % scale)
            return digits == 0 ? String(units)
                : String(units / scale) + "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        for units in UInt64(0)...12_000 {
            #expect(fragment { $0.value(decimalUnits: units, fractionDigits: 3) } == reference(units, 3))
        }
        var random = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let digits = Int.random(in: 0...6, using: &random)
            let units = UInt64.random(in: 0...UInt64(1) << 40, using: &random)
            #expect(fragment { $0.value(decimalUnits: units, fractionDigits: digits) } == reference(units, digits))
        }
    }

    @Test("fixed-point doubles are the writer's, ties and near-ties included", arguments: [UInt64(3), 4])
    func doublesAgreeWithWriter(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<4000 {
            let digits = Int.random(in: 0...6, using: &random)
            let value: Double = switch Int.random(in: 0..<4, using: &random) {
            case 0: Double.random(in: 0...1, using: &random)
            case 1: Double.random(in: -1e6...1e6, using: &random)
            // Exact decimal ties (k + ½) × 10^-digits and their binary neighbours.
            case 2: (Double(Int.random(in: -100_000...100_000, using: &random)) + 0.5) / Double(JSONWriter.powerOfTen(digits))
            default: (Double(Int.random(in: 0...2_000, using: &random)) / 2_000).nextUp
            }
            #expect(fragment { $0.value(value, fractionDigits: digits) } == written { $0.value(value, fractionDigits: digits) },
                    "\(value) \(digits)")
        }
        for value in [0.0005, 0.0015, 0.0025, 1.0005, 0.9995, -0.0004, -0.0, 1.0, 0.125] {
            #expect(fragment { $0.value(value, fractionDigits: 3) } == written { $0.value(value, fractionDigits: 3) }, "\(value)")
        }
        #expect(fragment { $0.value(Double.nan, fractionDigits: 3) } == "null")
    }
}
