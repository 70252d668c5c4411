import Testing
import WSProtocol

/// RFC 7692 §5 and §7.1: negotiation, from the server's side.
struct DeflateNegotiationTests {
    typealias P = DeflateNegotiation.Parameter

    static func offer(_ parameters: [P]) -> DeflateNegotiation.Offer {
        DeflateNegotiation.Offer(name: "permessage-deflate", parameters: parameters)
    }

    /// RFC-default configuration: no server preference beyond what the client asks.
    static let plain = DeflateConfiguration(
        serverMaxWindowBits: 15, clientMaxWindowBits: 15, memLevel: 8,
        serverNoContextTakeover: false, requestClientNoContextTakeover: false
    )

    struct Case: Sendable, CustomTestStringConvertible {
        let parameters: [P]
        let response: String
        let agreed: DeflateParameters
        var testDescription: String {
            parameters.map { p in p.value.map { "\(p.name)=\($0)" } ?? p.name }.joined(separator: "; ")
        }
    }

    static let acceptedCases: [Case] = [
        Case(parameters: [], response: "permessage-deflate", agreed: DeflateParameters()),
        // §7.1.1.1: accepted by including server_no_context_takeover in the response.
        Case(parameters: [P("server_no_context_takeover")],
             response: "permessage-deflate; server_no_context_takeover",
             agreed: DeflateParameters(serverNoContextTakeover: true)),
        // §7.1.1.2: we use the client's hint, binding it by echoing it.
        Case(parameters: [P("client_no_context_takeover")],
             response: "permessage-deflate; client_no_context_takeover",
             agreed: DeflateParameters(clientNoContextTakeover: true)),
        // §7.1.2.1: the same or smaller value as the offer.
        Case(parameters: [P("server_max_window_bits", "10")],
             response: "permessage-deflate; server_max_window_bits=10",
             agreed: DeflateParameters(serverMaxWindowBits: 10)),
        Case(parameters: [P("server_max_window_bits", "15")],
             response: "permessage-deflate; server_max_window_bits=15",
             agreed: DeflateParameters(serverMaxWindowBits: 15)),
        // server_max_window_bits=8: accepted, outbound compression off.
        Case(parameters: [P("server_max_window_bits", "8")],
             response: "permessage-deflate; server_max_window_bits=8",
             agreed: DeflateParameters(serverMaxWindowBits: 8)),
        // §7.1.2.2: no value: the client supports it; 15 needs no parameter.
        Case(parameters: [P("client_max_window_bits")],
             response: "permessage-deflate",
             agreed: DeflateParameters()),
        Case(parameters: [P("client_max_window_bits", "9")],
             response: "permessage-deflate; client_max_window_bits=9",
             agreed: DeflateParameters(clientMaxWindowBits: 9)),
        Case(parameters: [P("client_max_window_bits", "8")],
             response: "permessage-deflate; client_max_window_bits=8",
             agreed: DeflateParameters(clientMaxWindowBits: 8)),
        Case(parameters: [P("client_max_window_bits", "15"), P("server_max_window_bits", "12"),
                          P("client_no_context_takeover"), P("server_no_context_takeover")],
             response: "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=12",
             agreed: DeflateParameters(serverNoContextTakeover: true, clientNoContextTakeover: true,
                                       serverMaxWindowBits: 12, clientMaxWindowBits: 15)),
    ]

    @Test("a valid offer is accepted with the RFC's response", arguments: acceptedCases)
    func accepted(_ testCase: Case) {
        let agreement = DeflateNegotiation.negotiate(offers: [Self.offer(testCase.parameters)], configuration: Self.plain)
        #expect(agreement?.responseHeaderValue == testCase.response)
        #expect(agreement?.parameters == testCase.agreed)
    }

    static let invalidOffers: [([P], DeflateNegotiation.OfferRejection)] = [
        ([P("server_no_context_takeover"), P("server_no_context_takeover")], .duplicateParameter("server_no_context_takeover")),
        ([P("client_max_window_bits"), P("client_max_window_bits", "10")], .duplicateParameter("client_max_window_bits")),
        ([P("server_max_window_bits", "10"), P("server_max_window_bits", "10")], .duplicateParameter("server_max_window_bits")),
        ([P("server_no_context_takeover", "1")], .invalidValue(parameter: "server_no_context_takeover", value: "1")),
        ([P("client_no_context_takeover", "")], .invalidValue(parameter: "client_no_context_takeover", value: "")),
        ([P("server_max_window_bits")], .invalidValue(parameter: "server_max_window_bits", value: nil)),
        ([P("server_max_window_bits", "7")], .invalidValue(parameter: "server_max_window_bits", value: "7")),
        ([P("server_max_window_bits", "16")], .invalidValue(parameter: "server_max_window_bits", value: "16")),
        ([P("server_max_window_bits", "010")], .invalidValue(parameter: "server_max_window_bits", value: "010")),
        ([P("server_max_window_bits", "09")], .invalidValue(parameter: "server_max_window_bits", value: "09")),
        ([P("server_max_window_bits", "+9")], .invalidValue(parameter: "server_max_window_bits", value: "+9")),
        ([P("server_max_window_bits", " 9")], .invalidValue(parameter: "server_max_window_bits", value: " 9")),
        ([P("client_max_window_bits", "0")], .invalidValue(parameter: "client_max_window_bits", value: "0")),
        ([P("client_max_window_bits", "1e1")], .invalidValue(parameter: "client_max_window_bits", value: "1e1")),
        ([P("client_max_window_bits", "")], .invalidValue(parameter: "client_max_window_bits", value: "")),
        ([P("x_unknown")], .unknownParameter("x_unknown")),
        ([P("Server_No_Context_Takeover")], .unknownParameter("Server_No_Context_Takeover")),
        ([P("permessage-deflate")], .unknownParameter("permessage-deflate")),
    ]

    @Test("RFC 7692 §7.1: an invalid offer is declined, never fatal", arguments: invalidOffers)
    func declined(_ parameters: [P], _ rejection: DeflateNegotiation.OfferRejection) {
        #expect(throws: rejection) { try DeflateNegotiation.parse(Self.offer(parameters)) }
        #expect(DeflateNegotiation.negotiate(offers: [Self.offer(parameters)], configuration: Self.plain) == nil)
    }

    @Test("window bits 8...15 are valid, everything else is not", arguments: -1...20)
    func windowBitBounds(_ bits: Int) {
        let result = try? DeflateNegotiation.parse(Self.offer([P("server_max_window_bits", String(bits))]))
        #expect((result?.serverMaxWindowBits) == (8...15 ~= bits ? bits : nil))
        let client = try? DeflateNegotiation.parse(Self.offer([P("client_max_window_bits", String(bits))]))
        #expect((client?.clientMaxWindowBits ?? nil) == (8...15 ~= bits ? bits : nil))
    }

    @Test("RFC 7692 §5: the first acceptable alternative wins; invalid ones are skipped")
    func alternatives() {
        let offers = [
            DeflateNegotiation.Offer(name: "x-webkit-deflate-frame"),
            Self.offer([P("server_max_window_bits", "20")]),
            Self.offer([P("client_max_window_bits", "10"), P("server_no_context_takeover")]),
            Self.offer([]),
        ]
        let agreement = DeflateNegotiation.negotiate(offers: offers, configuration: Self.plain)
        #expect(agreement?.acceptedOfferIndex == 2)
        #expect(agreement?.responseHeaderValue == "permessage-deflate; server_no_context_takeover; client_max_window_bits=10")
    }

    @Test("no permessage-deflate offer, or only invalid ones: no compression")
    func nothingAcceptable() {
        #expect(DeflateNegotiation.negotiate(offers: [], configuration: Self.plain) == nil)
        #expect(DeflateNegotiation.negotiate(offers: [DeflateNegotiation.Offer(name: "foo")], configuration: Self.plain) == nil)
        let bad = [Self.offer([P("a")]), Self.offer([P("server_max_window_bits")])]
        #expect(DeflateNegotiation.negotiate(offers: bad, configuration: Self.plain) == nil)
    }

    @Test("a disabled configuration declines every offer")
    func disabled() {
        #expect(DeflateNegotiation.negotiate(offers: [Self.offer([])], configuration: .disabled) == nil)
    }

    @Test("§7.1.2.2: without client_max_window_bits in the offer, the response never has it")
    func clientWindowNeedsOffer() {
        let agreement = DeflateNegotiation.negotiate(offers: [Self.offer([])], configuration: DeflateConfiguration())
        #expect(agreement?.responseHeaderValue.contains("client_max_window_bits") == false)
        #expect(agreement?.parameters.clientMaxWindowBits == 15)
    }

    @Test("defaults: server window and no-context-takeover are announced, client window limited when offered")
    func defaults() {
        let offers = [Self.offer([P("client_max_window_bits")])]
        let agreement = DeflateNegotiation.negotiate(offers: offers, configuration: DeflateConfiguration())
        #expect(agreement?.responseHeaderValue
            == "permessage-deflate; server_no_context_takeover; server_max_window_bits=12; client_max_window_bits=12")
        #expect(agreement?.parameters == DeflateParameters(
            serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 12, clientMaxWindowBits: 12))
    }

    @Test("§7.1.2.1/§7.1.2.2: the smaller of the client's and the server's window wins")
    func smallerWindowWins() {
        let config = DeflateConfiguration(serverMaxWindowBits: 11, clientMaxWindowBits: 10)
        let high = DeflateNegotiation.negotiate(
            offers: [Self.offer([P("server_max_window_bits", "14"), P("client_max_window_bits", "13")])], configuration: config)
        #expect(high?.parameters.serverMaxWindowBits == 11)
        #expect(high?.parameters.clientMaxWindowBits == 10)
        let low = DeflateNegotiation.negotiate(
            offers: [Self.offer([P("server_max_window_bits", "9"), P("client_max_window_bits", "8")])], configuration: config)
        #expect(low?.parameters.serverMaxWindowBits == 9)
        #expect(low?.parameters.clientMaxWindowBits == 8)
        #expect(low?.responseHeaderValue == "permessage-deflate; server_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8")
    }

    @Test("requestClientNoContextTakeover adds client_no_context_takeover to every response")
    func requestClientNoTakeover() {
        let config = DeflateConfiguration(requestClientNoContextTakeover: true)
        let agreement = DeflateNegotiation.negotiate(offers: [Self.offer([])], configuration: config)
        #expect(agreement?.parameters.clientNoContextTakeover == true)
        #expect(agreement?.responseHeaderValue.contains("; client_no_context_takeover") == true)
    }

    @Test("server_max_window_bits=8 is accepted, and the server then never compresses")
    func windowEight() {
        let agreement = DeflateNegotiation.negotiate(
            offers: [Self.offer([P("server_max_window_bits", "8")])], configuration: DeflateConfiguration())
        #expect(agreement?.parameters.compressesOutbound == false)
        guard let parameters = agreement?.parameters else { return }
        var deflater = Deflater(parameters: parameters, configuration: DeflateConfiguration(compressionThreshold: 0))
        let message = [UInt8](repeating: 0x41, count: 4096)
        var output = ByteWriter()
        #expect(message.withUnsafeBytes { deflater.compress($0, into: &output) } == .uncompressed)
        #expect(output.isEmpty)
        #expect(deflater.allocatedBytes == 0)
    }
}
