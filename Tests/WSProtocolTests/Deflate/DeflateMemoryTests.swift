import Foundation
import Testing
import WSProtocol

/// The memory budget of permessage-deflate, measured with the counting allocator and
/// cross-checked against the process RSS.
struct DeflateMemoryTests {
    /// What a browser offers: `permessage-deflate; client_max_window_bits`.
    static let browserOffer = DeflateNegotiation.Offer(
        name: "permessage-deflate", parameters: [DeflateNegotiation.Parameter("client_max_window_bits")])
    static let message = Array(repeating: Array(#"{"type":"flow","state":"deep","score":0.93}"#.utf8), count: 8).flatMap { $0 }

    /// One connection's pair after one message each way; returns (idle, peak) zlib bytes.
    static func exercise(_ parameters: DeflateParameters, _ configuration: DeflateConfiguration) -> (idle: Int, active: Int) {
        var deflater = Deflater(parameters: parameters, configuration: configuration)
        var inflater = Inflater(parameters: parameters)
        var output = ByteWriter()
        var active = 0
        _ = message.withUnsafeBytes { deflater.compress($0, into: &output) }
        let compressed = output.readableBytes
        // Peak: a deflater mid-message plus an inflater with its window.
        var probe = Deflater(windowBits: parameters.serverMaxWindowBits, memLevel: configuration.memLevel,
                             noContextTakeover: false)
        _ = message.withUnsafeBytes { probe.compress($0, into: &output) }
        _ = DeflateTestSupport.inflate([compressed], with: &inflater)
        var fresh = Inflater(windowBits: parameters.clientMaxWindowBits, noContextTakeover: false)
        _ = DeflateTestSupport.inflate([compressed], with: &fresh)
        active = probe.allocatedBytes + fresh.allocatedBytes
        return (deflater.allocatedBytes + inflater.allocatedBytes, active)
    }

    @Test("estimates match the counting allocator to within 1 %", arguments: [(15, 8), (12, 5), (13, 6), (9, 1), (15, 9)])
    func estimates(windowBits: Int, memLevel: Int) {
        var deflater = Deflater(windowBits: windowBits, memLevel: memLevel, noContextTakeover: false)
        _ = DeflateTestSupport.compress(Self.message, with: &deflater)
        let estimate = DeflateMemory.deflaterBytes(windowBits: windowBits, memLevel: memLevel)
        #expect(abs(deflater.allocatedBytes - estimate) * 100 <= estimate)
        var inflater = Inflater(windowBits: windowBits, noContextTakeover: false)
        _ = DeflateTestSupport.inflate([[0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]], with: &inflater)
        let inflaterEstimate = DeflateMemory.inflaterBytes(windowBits: windowBits)
        #expect(abs(inflater.allocatedBytes - inflaterEstimate) * 100 <= inflaterEstimate)
    }

    @Test("an idle connection with the default configuration stays within 64 KiB")
    func idleBudget() {
        let configuration = DeflateConfiguration()
        guard let agreed = DeflateNegotiation.negotiate(offers: [Self.browserOffer], configuration: configuration) else {
            Issue.record("the browser offer must be accepted")
            return
        }
        let measured = Self.exercise(agreed.parameters, configuration)
        let estimate = DeflateMemory.estimate(parameters: agreed.parameters, configuration: configuration)
        print("deflate memory: defaults (12/5, server no context takeover), idle \(measured.idle) B (estimate \(estimate.idleBytes)), active \(measured.active) B (estimate \(estimate.activeBytes))")
        #expect(measured.idle <= 64 * 1024)
        #expect(abs(measured.idle - estimate.idleBytes) <= 256)
        #expect(abs(measured.active - estimate.activeBytes) <= 256)

        // A client that does not offer client_max_window_bits forces a 32 KiB window.
        let plainOffer = DeflateNegotiation.Offer(name: "permessage-deflate")
        if let plain = DeflateNegotiation.negotiate(offers: [plainOffer], configuration: configuration) {
            let worst = Self.exercise(plain.parameters, configuration)
            print("deflate memory: defaults, client without client_max_window_bits, idle \(worst.idle) B")
            #expect(worst.idle <= 64 * 1024)
        }
    }

    @Test("zlib defaults (15/8, context takeover both ways) cost about 300 KiB per idle connection")
    func zlibDefaults() {
        let configuration = DeflateConfiguration(
            serverMaxWindowBits: 15, clientMaxWindowBits: 15, memLevel: 8, serverNoContextTakeover: false)
        let parameters = DeflateParameters()
        let measured = Self.exercise(parameters, configuration)
        print("deflate memory: 15/8 with context takeover, idle \(measured.idle) B, active \(measured.active) B")
        #expect(measured.idle > 290 * 1024)
        #expect(measured.idle == measured.active)
    }

    @Test("before the first compressed message nothing is allocated")
    func lazy() {
        let parameters = DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 12, clientMaxWindowBits: 12)
        let deflater = Deflater(parameters: parameters, configuration: DeflateConfiguration())
        let inflater = Inflater(parameters: parameters)
        #expect(deflater.allocatedBytes + inflater.allocatedBytes == 0)
    }

    /// Resident set size of this process in bytes (Linux /proc/self/statm).
    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test("2,000 idle default connections: counted bytes exact, RSS reported")
    func heapCrossCheck() {
        let configuration = DeflateConfiguration()
        let parameters = DeflateParameters(serverNoContextTakeover: true, serverMaxWindowBits: 12, clientMaxWindowBits: 12)
        let count = 2_000
        var compressed = ByteWriter()
        var seed = Deflater(parameters: parameters, configuration: configuration)
        _ = Self.message.withUnsafeBytes { seed.compress($0, into: &compressed) }
        let payload = compressed.readableBytes
        let before = Self.residentBytes()
        var inflaters: [UnsafeMutablePointer<Inflater>] = []
        var counted = 0
        for _ in 0..<count {
            let slot = UnsafeMutablePointer<Inflater>.allocate(capacity: 1)
            slot.initialize(to: Inflater(parameters: parameters))
            _ = DeflateTestSupport.inflate([payload], with: &slot.pointee)
            counted += slot.pointee.allocatedBytes
            inflaters.append(slot)
        }
        let after = Self.residentBytes()
        let perConnection = (after - before) / count
        print("deflate memory: RSS per idle default connection \(perConnection) B, counted \(counted / count) B")
        // RSS counts touched pages only (an unused part of the window may stay untouched).
        // Other suites run in parallel, so RSS is reported, not asserted; the counted bytes
        // are exact and asserted.
        #expect(counted == count * DeflateMemory.inflaterBytes(windowBits: 12))
        for slot in inflaters {
            slot.deinitialize(count: 1)
            slot.deallocate()
        }
    }
}
