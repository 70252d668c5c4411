// libFuzzer harness for TLS 1.3 records after the handshake: a server `TLSSession` on its
// own record layer (`TLS13RecordLayer`), fed a stream the input describes (build and run:
// scripts/fuzz.sh TLSRecords).
//
// A client may hold its own keys, so everything a record can carry once decrypted is
// untrusted too: the input mixes raw bytes with records a client-side layer seals around
// inner plaintexts the fuzzer chooses (any content type, padding, KeyUpdates, alerts,
// oversized content). Contract checked for every input (not just "no crash"):
//  1. The application data the session delivers is a prefix of the application data the
//     sender sealed, in order: nothing unauthenticated, reordered or replayed comes out.
//  2. Once a read failed or reported close_notify, every later read says the same, and a
//     write after a failure fails.
//  3. Everything the session writes (answers to KeyUpdates, alerts, data) is whole
//     protected records: outer type 23, version 0x0303, 17 ≤ length ≤ 2^14 + 17.
//
// Input: byte 0 picks the suite (mod 3), byte 1 the chunk size the stream is lent in; then
// operations, each an opcode byte (bits 0–1) with bit 7 asking for a 3-byte write first:
//   0 LEN BYTES…        raw bytes into the stream
//   1 LEN BYTES…        a record sealed around the inner plaintext BYTES
//   2                   the sender moves to its next write key (after sending a KeyUpdate)
//   3 N FILL TYPE       a record sealed around N×80 bytes of FILL and the type byte TYPE

@_spi(Fuzzing) import LoopKit
import WSProtocol

let suites: [UInt16] = [0x1301, 0x1302, 0x1303]

/// Fixed traffic secrets (48 bytes; the SHA-256 suites use the first 32), in buffers that
/// live as long as the process. `nonisolated(unsafe)`: written once by their lazy
/// initialisation, then only read, by libFuzzer's one thread.
nonisolated(unsafe) let clientSecret = secret(0x5C)
nonisolated(unsafe) let serverSecret = secret(0xA3)

func secret(_ byte: UInt8) -> UnsafeMutableRawBufferPointer {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 48, alignment: 1)
    buffer.initializeMemory(as: UInt8.self, repeating: byte)
    return buffer
}

/// The application data a record around `inner` carries: nil unless its type is 23.
func applicationData(of inner: [UInt8]) -> ArraySlice<UInt8>? {
    var end = inner.count
    while end > 0 && inner[end - 1] == 0 { end -= 1 }
    guard end > 0, inner[end - 1] == 23, end - 1 <= 1 << 14 else { return nil }
    return inner[0..<(end - 1)]
}

/// Checks that `bytes` are whole protected records.
func checkRecords(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        precondition(bytes.count - offset >= 5, "a partial record header was written")
        precondition(bytes[offset] == 23 && bytes[offset + 1] == 3 && bytes[offset + 2] == 3, "a malformed record header was written")
        let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
        precondition(length >= 17 && length <= (1 << 14) + 17, "a record of length \(length) was written")
        offset += 5 + length
        precondition(offset <= bytes.count, "a partial record was written")
    }
}

/// The server's side: the session, what it delivered and how it ended.
final class Receiver {
    var session: TLSSession
    let chunkSize: Int
    var delivered: [UInt8] = []
    var terminal: TLSReadResult?
    var output = ByteWriter()
    var writes = 0
    /// Where the session decrypts to.
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)
    /// Stands in for the event loop's read buffer (ciphertext lent from it).
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)

    init?(suite: UInt16, chunkSize: Int) {
        let length = suite == 0x1302 ? 48 : 32
        guard let session = TLSSession(
            establishedWithSuite: suite, clientSecret: UnsafeRawBufferPointer(rebasing: clientSecret[0..<length]),
            serverSecret: UnsafeRawBufferPointer(rebasing: serverSecret[0..<length]))
        else { return nil }
        self.session = session
        self.chunkSize = chunkSize
    }

    deinit {
        buffer.deallocate()
        readBuffer.deallocate()
    }

    /// Lends `stream`'s bytes in chunks, reading after each as the event loop does.
    func feed(_ stream: inout ByteWriter) {
        while !stream.isEmpty {
            // Copied into the receiver's read buffer and lent from there, as the loop lends
            // its read buffer: valid until the loan ends, then overwritten.
            let count = min(chunkSize, stream.readableCount, readBuffer.count)
            stream.withUnsafeReadableBytes { readBuffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            stream.consume(count)
            session.lendCiphertext(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            while true {
                let result = session.readPlaintext(into: buffer)
                if case .bytes(let n) = result {
                    precondition(terminal == nil, "data after the session ended")
                    delivered += buffer[0..<n]
                    continue
                }
                if let terminal {
                    precondition(result == terminal, "a terminal read changed: \(terminal) then \(result)")
                } else if result != TLSReadResult.wantMoreCiphertext {
                    terminal = result
                }
                break
            }
            session.endCiphertextLoan()
            readBuffer.initializeMemory(as: UInt8.self, repeating: 0xA5)
        }
    }

    /// A 3-byte message from the server, its records appended to the output.
    func write() {
        writes += 1
        let message = [UInt8](repeating: UInt8(truncatingIfNeeded: writes), count: 3)
        let written = message.withUnsafeBytes { session.writePlaintext($0, appendingCiphertextTo: &output) }
        if case .failed = terminal { precondition(written != TLSWriteResult.written, "a write after a failure succeeded") }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 2 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let suite = suites[Int(input[0]) % 3]
    let length = suite == 0x1302 ? 48 : 32
    guard let sender = TLS13RecordLayer(
            suiteCode: suite, clientSecret: UnsafeRawBufferPointer(rebasing: clientSecret[0..<length]),
            serverSecret: UnsafeRawBufferPointer(rebasing: serverSecret[0..<length]), isServer: false),
        let receiver = Receiver(suite: suite, chunkSize: 1 + Int(input[1]) * 8)
    else { preconditionFailure("the layers could not be made") }

    var stream = ByteWriter()
    var sealedData: [UInt8] = []
    var index = 2
    func next() -> Int? {
        guard index < input.count else { return nil }
        defer { index += 1 }
        return Int(input[index])
    }
    while let op = next() {
        if op & 0x80 != 0 { receiver.write() }
        switch op & 3 {
        case 0:
            guard let count = next() else { break }
            let end = min(input.count, index + count)
            stream.append(contentsOf: input[index..<end])
            index = end
        case 1:
            guard let count = next() else { break }
            let end = min(input.count, index + count)
            let inner = Array(input[index..<end])
            index = end
            precondition(inner.withUnsafeBytes { sender.sealInnerPlaintext($0, into: &stream) }, "sealing failed")
            if let data = applicationData(of: inner) { sealedData += data }
        case 2:
            precondition(sender.updateWriteKey(), "the sender's key update failed")
        default:
            guard let count = next(), let fill = next(), let type = next() else { break }
            let inner = [UInt8](repeating: UInt8(fill), count: count * 80) + [UInt8(type)]
            precondition(inner.withUnsafeBytes { sender.sealInnerPlaintext($0, into: &stream) }, "sealing failed")
            if let data = applicationData(of: inner) { sealedData += data }
        }
        receiver.feed(&stream)
    }
    let delivered = receiver.delivered
    precondition(delivered.count <= sealedData.count && delivered[...] == sealedData[0..<delivered.count],
                 "delivered data that was not sealed, or out of order")
    receiver.session.drainCiphertext(into: &receiver.output)
    checkRecords(receiver.output.readableBytes)
    return 0
}
