import Testing
import WireJSON

/// Cases in the manner of JSONTestSuite, written for WireJSON: `y_` must be accepted,
/// `n_` must be rejected, `i_` are the implementation-defined ones, with our decision.
struct ConformanceCaseTests {
    static let accepted: [(String, [UInt8])] = [
        ("y_array_empty", b("[]")), ("y_array_nested_empty", b("[[],[[]]]")), ("y_array_mixed", b(#"[1,"a",null,true,false,{},[]]"#)),
        ("y_array_whitespace_everywhere", b(" [ 1 , 2 ] ")), ("y_array_newlines", b("[\n1\r\n,\t2\n]")),
        ("y_object_empty", b("{}")), ("y_object_empty_key", b(#"{"":0}"#)), ("y_object_basic", b(#"{"a":"b"}"#)),
        ("y_object_escaped_key", b(#"{"\u0000":1}"#)), ("y_object_long_key", b("{\"" + String(repeating: "k", count: 1000) + "\":1}")),
        ("y_object_same_key_nested", b(#"{"a":{"a":{"a":1}}}"#)), ("y_object_many_members", b(#"{"a":1,"b":2,"c":3,"d":4}"#)),
        ("y_number_zero", b("0")), ("y_number_negative_zero", b("-0")), ("y_number_fraction", b("1.25")),
        ("y_number_exponent_upper", b("1E2")), ("y_number_exponent_plus", b("1e+2")), ("y_number_exponent_minus", b("1e-2")),
        ("y_number_zero_exponent", b("0e1")), ("y_number_fraction_exponent", b("-1.5e-10")),
        ("y_number_huge_integer", b("100000000000000000000000000000")), ("y_number_huge_exponent", b("1e99999")),
        ("y_number_tiny", b("1e-99999")), ("y_number_long_fraction", b("0." + String(repeating: "1", count: 400))),
        ("y_string_empty", b(#""""#)), ("y_string_all_short_escapes", b(#""\"\\\/\b\f\n\r\t""#)),
        ("y_string_unicode_escape", b(#""\u00e9""#)), ("y_string_unicode_escape_upper", b(#""\u00E9""#)),
        ("y_string_surrogate_pair", b(#""\ud834\udd1e""#)), ("y_string_escaped_nul", b(#""\u0000""#)),
        ("y_string_raw_utf8", b("\"日本語\"")), ("y_string_raw_astral", b("\"𝄞\"")), ("y_string_del", [0x22, 0x7F, 0x22]),
        ("y_string_max_scalar", [0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]), ("y_string_noncharacter", b(#""\uFFFF""#)),
        ("y_string_u2028", b("\"\u{2028}\u{2029}\"")), ("y_string_escaped_slash", b(#""\/""#)),
        ("y_literal_true", b("true")), ("y_literal_false", b("false")), ("y_literal_null", b("null")),
        ("y_structure_trailing_whitespace", b("[] \n")), ("y_structure_leading_whitespace", b("\t {}")),
        ("y_structure_deep_32", b(String(repeating: "[", count: 32) + String(repeating: "]", count: 32))),
    ]

    static let rejected: [(String, [UInt8])] = [
        ("n_array_trailing_comma", b("[1,]")), ("n_array_leading_comma", b("[,1]")), ("n_array_double_comma", b("[1,,2]")),
        ("n_array_unclosed", b("[1")), ("n_array_unopened", b("1]")), ("n_array_colon", b("[1:2]")),
        ("n_array_missing_comma", b("[1 2]")), ("n_array_mismatched", b("[}")), ("n_array_just_comma", b("[,]")),
        ("n_object_trailing_comma", b(#"{"a":1,}"#)), ("n_object_unquoted_key", b("{a:1}")), ("n_object_single_quotes", b("{'a':1}")),
        ("n_object_number_key", b("{1:1}")), ("n_object_missing_colon", b(#"{"a" 1}"#)), ("n_object_missing_value", b(#"{"a":}"#)),
        ("n_object_double_colon", b(#"{"a"::1}"#)), ("n_object_unclosed", b(#"{"a":1"#)), ("n_object_comment", b(#"{"a":1/*c*/}"#)),
        ("n_object_duplicate_key", b(#"{"a":1,"a":1}"#)), ("n_object_duplicate_escaped", b(#"{"\u0041":1,"A":2}"#)),
        ("n_number_plus", b("+1")), ("n_number_leading_dot", b(".5")), ("n_number_trailing_dot", b("1.")),
        ("n_number_leading_zero", b("01")), ("n_number_negative_leading_zero", b("-012")), ("n_number_hex", b("0x1")),
        ("n_number_octal_style", b("00")), ("n_number_nan", b("NaN")), ("n_number_infinity", b("Infinity")),
        ("n_number_minus_infinity", b("-Infinity")), ("n_number_exponent_only", b("e5")), ("n_number_empty_exponent", b("1e")),
        ("n_number_exponent_sign_only", b("1e-")), ("n_number_dot_exponent", b("1.e1")), ("n_number_minus_only", b("-")),
        ("n_number_minus_space", b("- 1")), ("n_number_double_minus", b("--1")), ("n_number_fullwidth_digit", b("１")),
        ("n_string_single_quotes", b("'a'")), ("n_string_unclosed", b(#""abc"#)), ("n_string_raw_tab", b("\"\t\"")),
        ("n_string_raw_newline", b("\"\n\"")), ("n_string_raw_nul", [0x22, 0x00, 0x22]), ("n_string_raw_us", [0x22, 0x1F, 0x22]),
        ("n_string_bad_escape", b(#""\a""#)), ("n_string_escaped_quote_unclosed", b(#""\""#)), ("n_string_short_unicode", b(#""\u12""#)),
        ("n_string_bad_hex", b(#""\uGGGG""#)), ("n_string_upper_U", b(#""\U0041""#)), ("n_string_backslash_x", b(#""\x41""#)),
        ("n_string_escaped_newline", b("\"\\\n\"")), ("n_string_overlong_slash", [0x22, 0xC0, 0xAF, 0x22]),
        ("n_string_lone_continuation", [0x22, 0x80, 0x22]), ("n_string_truncated_3byte", [0x22, 0xE6, 0x97, 0x22]),
        ("n_string_utf8_surrogate", [0x22, 0xED, 0xB0, 0x80, 0x22]), ("n_string_above_max", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]),
        ("n_string_ff_byte", [0x22, 0xFF, 0x22]), ("n_string_utf16_bom", [0xFE, 0xFF, 0x00, 0x31]),
        ("n_literal_capital_true", b("TRUE")), ("n_literal_truncated", b("fal")), ("n_literal_python_none", b("None")),
        ("n_structure_empty", b("")), ("n_structure_whitespace_only", b(" \n ")), ("n_structure_two_values", b("{}[]")),
        ("n_structure_trailing_garbage", b("[]x")), ("n_structure_nul_after", [0x31, 0x00]), ("n_structure_comment", b("// c\n1")),
        ("n_structure_deep_33", b(String(repeating: "[", count: 33) + String(repeating: "]", count: 33))),
        ("n_structure_unclosed_deep", b(String(repeating: "[", count: 10))), ("n_structure_form_feed", b("\u{0C}[]")),
        ("n_structure_angle_bracket", b("<null>")), ("n_structure_lone_colon", b(":")), ("n_structure_utf8_bom", [0xEF, 0xBB, 0xBF, 0x7B, 0x7D]),
    ]

    /// Implementation-defined by RFC 8259, with WireJSON's decision (`true` = accepted).
    static let implementationDefined: [(String, [UInt8], Bool)] = [
        ("i_string_lone_high_surrogate (rejected: every string must be valid Unicode)", b(#""\uD800""#), false),
        ("i_string_lone_low_surrogate (rejected)", b(#""\uDC00""#), false),
        ("i_string_inverted_surrogates (rejected)", b(#""\uDC00\uD800""#), false),
        ("i_string_escaped_noncharacter (accepted: noncharacters are valid scalars)", b(#""\uFDD0""#), true),
        ("i_object_duplicate_key (rejected: ambiguity between readers)", b(#"{"a":1,"a":2}"#), false),
        ("i_number_huge_exponent (accepted; double() reports out of range)", b("1e400"), true),
        ("i_number_int64_overflow (accepted; int64() reports out of range)", b("9223372036854775808"), true),
        ("i_number_underflow (accepted; double() rounds to 0)", b("1e-400"), true),
        ("i_structure_utf8_bom (rejected: RFC 8259 §8.1 MUST NOT add one)", [0xEF, 0xBB, 0xBF, 0x5B, 0x5D], false),
        ("i_structure_depth_33 (rejected by the default limit of 32)", b(String(repeating: "[", count: 33) + String(repeating: "]", count: 33)), false),
        ("i_string_invalid_utf8 (rejected)", [0x22, 0xC3, 0x22], false),
        ("i_structure_top_level_scalar (accepted: RFC 8259 allows any value)", b("42"), true),
    ]

    private static func b(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("y_ cases are accepted", arguments: accepted)
    func yCases(name: String, bytes: [UInt8]) {
        #expect(parseError(bytes) == nil, "\(name)")
    }

    @Test("n_ cases are rejected", arguments: rejected)
    func nCases(name: String, bytes: [UInt8]) {
        #expect(parseError(bytes) != nil, "\(name)")
    }

    @Test("i_ cases follow the documented decision", arguments: implementationDefined)
    func iCases(name: String, bytes: [UInt8], accepted: Bool) {
        #expect((parseError(bytes) == nil) == accepted, "\(name)")
    }
}
