import Testing
@testable import WSProtocol

struct HeaderGrammarTests {
    @Test("RFC 7230 §3.2.6 token characters")
    func tokens() {
        #expect(HeaderGrammar.isToken("websocket"))
        #expect(HeaderGrammar.isToken("x-custom_1.0!#$%&'*+^`|~"))
        for bad in ["", "a b", "a,b", "a;b", "a=b", "\"a\"", "a/b", "a(b)", "é", "a\tb", "a:b", "a@b", "[a]", "{a}", "a?"] {
            #expect(!HeaderGrammar.isToken(bad), "\(bad)")
        }
    }

    @Test("RFC 7230 §7 lists split on commas but not inside quoted strings")
    func listsRespectQuotes() {
        #expect(HeaderGrammar.listElements(["a, b,c"]) == ["a", "b", "c"])
        #expect(HeaderGrammar.listElements(["x; p=\"1,2\", y"]) == ["x; p=\"1,2\"", "y"])
        #expect(HeaderGrammar.listElements(["x; p=\"a\\\"b,c\", y"]) == ["x; p=\"a\\\"b,c\"", "y"])
        #expect(HeaderGrammar.listElements(["x; p=\"open"]) == nil)
    }

    @Test("RFC 7230 §7 empty list elements are ignored and field lines combine")
    func emptyElements() {
        #expect(HeaderGrammar.listElements([", a ,, b ,", " c"]) == ["a", "b", "c"])
        #expect(HeaderGrammar.listElements([]) == [])
        #expect(HeaderGrammar.tokenList(["chat, superchat"]) == ["chat", "superchat"])
        #expect(HeaderGrammar.tokenList(["chat v2"]) == nil)
    }

    @Test("RFC 7230 §3.2.6 quoted-string unquoting and building")
    func quoting() {
        #expect(HeaderGrammar.unquote("\"abc\"") == "abc")
        #expect(HeaderGrammar.unquote("\"a\\\"b\"") == "a\"b")
        #expect(HeaderGrammar.unquote("\"a\"b\"") == nil)
        #expect(HeaderGrammar.unquote("abc") == nil)
        #expect(HeaderGrammar.tokenOrQuoted("15") == "15")
        #expect(HeaderGrammar.tokenOrQuoted("a b") == "\"a b\"")
        #expect(HeaderGrammar.unquote(HeaderGrammar.tokenOrQuoted("x\"y\\z")) == "x\"y\\z")
    }

    @Test("RFC 6455 §9.1 extension offers parse into names and parameters")
    func extensionOffers() {
        let offers = ExtensionOffer.parseList(["permessage-deflate; client_max_window_bits, permessage-deflate; server_max_window_bits=\"10\"", "x-foo"])
        #expect(offers == [
            ExtensionOffer(name: "permessage-deflate", parameters: [ExtensionParameter(name: "client_max_window_bits")]),
            ExtensionOffer(name: "permessage-deflate", parameters: [ExtensionParameter(name: "server_max_window_bits", value: "10")]),
            ExtensionOffer(name: "x-foo"),
        ])
    }

    @Test("RFC 6455 §9.1 a quoted parameter value must be a token after unescaping; bad syntax is refused")
    func extensionSyntaxErrors() {
        for bad in ["a; p=\"1 2\"", "a; =1", "; p", "a; p=1=2", "a b", "a; p=\"x", "a;; p"] {
            #expect(ExtensionOffer.parseList([bad]) == nil, "\(bad)")
        }
        #expect(ExtensionOffer.parseList(["a ; p = 1"]) == [ExtensionOffer(name: "a", parameters: [ExtensionParameter(name: "p", value: "1")])])
    }

    @Test("an extension offer serializes to its header form and parses back")
    func extensionRoundTrip() {
        let offer = ExtensionOffer(name: "permessage-deflate", parameters: [
            ExtensionParameter(name: "server_no_context_takeover"), ExtensionParameter(name: "client_max_window_bits", value: "12"),
        ])
        #expect(offer.headerValue == "permessage-deflate; server_no_context_takeover; client_max_window_bits=12")
        #expect(ExtensionOffer.parseList([offer.headerValue]) == [offer])
    }

    @Test("ASCII case-insensitive comparison")
    func caseInsensitive() {
        #expect(HeaderGrammar.equalsIgnoringCase("WebSocket", "websocket"))
        #expect(HeaderGrammar.equalsIgnoringCase("UPGRADE", "upgrade"))
        #expect(!HeaderGrammar.equalsIgnoringCase("upgrade", "upgrades"))
    }
}
