internal import COpenSSL
public import WSProtocol

/// TLS 1.3's record layer (RFC 8446 §5) for an established connection whose handshake
/// OpenSSL ran: records sealed and opened with the traffic keys OpenSSL derived, the
/// connection's KeyUpdates (§4.6.3) and alerts (§6). The user-space counterpart of kernel
/// TLS, which takes the same hand-over from OpenSSL where the kernel has it.
///
/// Why our own: OpenSSL 3.0's record layer costs about 13,000 instructions per request and
/// reply of the coaching workload, of which the AEAD itself is about 1,000; the rest is
/// its generic machinery (buffer management, provider parameter look-ups, kernel-TLS
/// queries, the error queue). The cryptography stays libcrypto's (AES-GCM,
/// ChaCha20-Poly1305, HMAC); what is ours is the framing: nonces, the inner content type
/// and padding, length limits, key updates and alerts — the part kernel TLS implements in
/// its own few hundred lines.
///
/// Only for TLS 1.3 with the three AEAD suites; TLS 1.2 and anything unusual stays with
/// OpenSSL (``TLSSession`` decides at the end of the handshake). Owned by one session on
/// one event-loop thread.
@_spi(Fuzzing) public final class TLS13RecordLayer {
    /// RFC 8446 §B.1.
    enum ContentType: UInt8 {
        case changeCipherSpec = 20, alert = 21, handshake = 22, applicationData = 23
    }

    /// The largest plaintext one record carries (2^14) and the largest encrypted record
    /// (2^14 + 256, §5.2).
    static let maximumPlaintext = 1 << 14
    static let maximumCiphertext = (1 << 14) + 256
    static let headerLength = 5
    static let tagLength = 16
    /// A KeyUpdate message (§4.6.3): type 24, length 1, then request_update.
    static let keyUpdateType: UInt8 = 24
    /// Records in a row that may carry no application data: empty ones, KeyUpdates or their
    /// parts, user_canceled warnings. Each costs a decryption (a KeyUpdate also a key
    /// derivation and perhaps a reply) and none reaches the WebSocket layer, whose limits
    /// bound what a client's messages cost; a peer that sends more than this without data is
    /// cut off. OpenSSL's record layer, which these sessions left, has the same guards
    /// (32 empty records, 32 KeyUpdates, 5 warning alerts in a row), as does BoringSSL;
    /// no client sends more than a few such records between data.
    static let maximumRecordsWithoutData = 32

    /// Records sealed under one key before the layer updates it: AES-GCM's confidentiality
    /// limit is 2^24.5 records per key (§5.5), so updates come well before it.
    @exclusivity(unchecked) var recordsPerWriteKey: UInt64 = 1 << 24

    // `@exclusivity(unchecked)` on the state below: one session on one loop thread uses the
    // layer, and no access spans a call that could reach the layer again (OpenSSL's
    // cipher calls take pointers and call nothing back), so the run-time checks — about 640
    // instructions per request and reply — would guard nothing.
    @exclusivity(unchecked) private var readKey: TLS13TrafficKey
    @exclusivity(unchecked) private var writeKey: TLS13TrafficKey
    /// Bytes of a post-handshake message split over records (at most a KeyUpdate's five).
    @exclusivity(unchecked) private var handshakeFragment: [UInt8] = []
    /// A record's plaintext that did not fit the caller's buffer, handed out in parts.
    @exclusivity(unchecked) private var spill: [UInt8] = []
    @exclusivity(unchecked) private var spillOffset = 0
    /// Records opened since the last one that carried application data.
    @exclusivity(unchecked) private var recordsWithoutData = 0

    /// The layer of a connection's `role` side from the two traffic secrets of
    /// generation 0; nil for a suite it does not handle or when OpenSSL refuses.
    @_spi(Fuzzing) public init?(
        suiteCode: UInt16, clientSecret: UnsafeRawBufferPointer, serverSecret: UnsafeRawBufferPointer, isServer: Bool
    ) {
        guard let suite = TLS13CipherSuite(code: suiteCode),
            var readKey = TLS13TrafficKey(suite: suite, secret: isServer ? clientSecret : serverSecret, encrypting: false)
        else { return nil }
        guard let writeKey = TLS13TrafficKey(suite: suite, secret: isServer ? serverSecret : clientSecret, encrypting: true)
        else {
            readKey.destroy()
            return nil
        }
        self.readKey = readKey
        self.writeKey = writeKey
    }

    deinit {
        readKey.destroy()
        writeKey.destroy()
    }

    /// The connection's cipher suite.
    var suite: TLS13CipherSuite { readKey.suite }

    /// The sequence numbers of the next record each way (tests).
    var readSequence: UInt64 { readKey.sequence }
    var writeSequence: UInt64 { writeKey.sequence }

    // MARK: - Sealing

    /// Appends `content` to `output` as records of `type`, at most 2^14 bytes each, and
    /// updates the write key when it has sealed ``recordsPerWriteKey`` records. An empty
    /// `content` makes no record. False when encryption failed (the connection is dead).
    func seal(_ content: UnsafeRawBufferPointer, as type: ContentType, into output: inout ByteWriter) -> Bool {
        var offset = 0
        while offset < content.count {
            let count = min(Self.maximumPlaintext, content.count - offset)
            guard sealRecord(UnsafeRawBufferPointer(rebasing: content[offset..<offset + count]), as: type, into: &output)
            else { return false }
            offset += count
            if writeKey.sequence >= recordsPerWriteKey, !sendKeyUpdate(requestingPeerUpdate: false, into: &output) {
                return false
            }
        }
        return true
    }

    /// A fatal alert (or close_notify, which is a warning) as one record.
    func sealAlert(_ alert: TLSAlert, into output: inout ByteWriter) -> Bool {
        let level: UInt8 = alert == .closeNotify ? 1 : 2
        return withUnsafeBytes(of: (level, alert.rawValue)) { sealRecord($0, as: .alert, into: &output) }
    }

    /// One record: header, `content`, the inner content type, no padding, the tag.
    /// Internal for tests, which seal records a client would not.
    func sealRecord(_ content: UnsafeRawBufferPointer, as type: ContentType, into output: inout ByteWriter) -> Bool {
        sealInnerPlaintext(count: content.count + 1, into: &output) { inner in
            if let source = content.baseAddress, let target = inner.baseAddress {
                target.copyMemory(from: source, byteCount: content.count)
            }
            inner[content.count] = type.rawValue
        }
    }

    /// A record whose inner plaintext (content, type, padding) is exactly `inner` (tests).
    @_spi(Fuzzing) public func sealInnerPlaintext(_ inner: UnsafeRawBufferPointer, into output: inout ByteWriter) -> Bool {
        sealInnerPlaintext(count: inner.count, into: &output) { target in target.copyMemory(from: inner) }
    }

    /// Seals a record of `innerCount` bytes of inner plaintext, which `fill` writes in place
    /// between the header and the tag.
    private func sealInnerPlaintext(
        count innerCount: Int, into output: inout ByteWriter, fill: (UnsafeMutableRawBufferPointer) -> Void
    ) -> Bool {
        let recordLength = innerCount + Self.tagLength
        var sealed = false
        output.appendWithUnsafeMutableBytes(maximumCount: Self.headerLength + recordLength) { record in
            guard let base = record.baseAddress else { return 0 }
            record[0] = ContentType.applicationData.rawValue  // the outer type of every protected record
            record[1] = 0x03
            record[2] = 0x03
            record[3] = UInt8(truncatingIfNeeded: recordLength >> 8)
            record[4] = UInt8(truncatingIfNeeded: recordLength)
            fill(UnsafeMutableRawBufferPointer(start: base + Self.headerLength, count: innerCount))
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            sealed = writeKey.withNonce { nonce in
                fc_tls13_seal(writeKey.context, nonce, bytes, bytes + 5, Int32(innerCount), bytes + 5 + innerCount) == 1
            }
            return sealed ? Self.headerLength + recordLength : 0
        }
        return sealed && writeKey.advance()
    }

    /// Moves the write key to the next generation without a KeyUpdate message (tests, which
    /// send theirs in parts).
    @_spi(Fuzzing) public func updateWriteKey() -> Bool { writeKey.update() }

    /// Sends a KeyUpdate under the current key, then moves the write key on (§4.6.3).
    private func sendKeyUpdate(requestingPeerUpdate: Bool, into output: inout ByteWriter) -> Bool {
        let message: (UInt8, UInt8, UInt8, UInt8, UInt8) = (Self.keyUpdateType, 0, 0, 1, requestingPeerUpdate ? 1 : 0)
        let sent = withUnsafeBytes(of: message) { sealRecord($0, as: .handshake, into: &output) }
        return sent && writeKey.update()
    }

    // MARK: - Opening

    /// What ``read(from:into:replies:)`` found.
    enum ReadOutcome: Equatable {
        /// `n` bytes of application data at the front of the buffer.
        case bytes(Int)
        /// No complete record is buffered.
        case needsCiphertext
        /// The peer sent close_notify.
        case closeNotify
        /// The connection must end; send `alert` unless it is nil (the peer's own alert).
        case failed(TLSRecordFailure)
    }

    /// Opens records from `buffers` until one carries application data (copied to the
    /// front of `destination`, at most `destination.count` bytes; the rest of a larger
    /// record comes with the next calls), the peer closed, or no complete record is left.
    /// KeyUpdates are applied, and the answer to one that asks for ours is appended to
    /// `replies`.
    func read(
        from buffers: UnsafeMutablePointer<CiphertextBuffers>, into destination: UnsafeMutableRawBufferPointer,
        replies: inout ByteWriter
    ) -> ReadOutcome {
        if spillOffset < spill.count { return .bytes(takeSpill(into: destination)) }
        while true {
            let location = buffers.pointee.locateRecord(maximumLength: Self.maximumCiphertext)
            let opened: Result<(ContentType, Int, Bool), TLSRecordFailure>
            switch location {
            case .incomplete:
                return .needsCiphertext
            case .overflow:
                return .failed(.init(alert: .recordOverflow, reason: "record overflow"))
            case .lent(let offset, let count):
                let record = UnsafeRawBufferPointer(rebasing: buffers.pointee.lent[offset..<offset + count])
                opened = open(record, into: destination)
                buffers.pointee.lentOffset = offset + count
            case .kept(let count):
                opened = buffers.pointee.kept.withUnsafeReadableBytes { open(UnsafeRawBufferPointer(rebasing: $0[0..<count]), into: destination) }
                buffers.pointee.kept.consume(count)
            }
            let type: ContentType, count: Int, spilled: Bool
            switch opened {
            case .failure(let failure): return .failed(failure)
            case .success(let result): (type, count, spilled) = result
            }
            if type != .handshake, !handshakeFragment.isEmpty {
                // §5.1: no other record between the parts of a handshake message.
                return .failed(.init(alert: .unexpectedMessage, reason: "record interleaved with a split handshake message"))
            }
            switch type {
            case .applicationData:
                if count == 0 {  // §5.4: zero-length application data may be sent
                    if let failure = countRecordWithoutData() { return .failed(failure) }
                    continue
                }
                recordsWithoutData = 0
                guard spilled else { return .bytes(count) }
                spill.removeSubrange(count...)
                spillOffset = 0
                return .bytes(takeSpill(into: destination))
            case .alert:
                // §6: exactly one alert per record, two bytes.
                guard count == 2 else { return .failed(.init(alert: .decodeError, reason: "malformed alert record")) }
                let description = spilled ? spill[1] : destination[1]
                switch TLSAlert(rawValue: description) {
                case .closeNotify: return .closeNotify
                case .userCanceled:  // a warning; close_notify follows
                    if let failure = countRecordWithoutData() { return .failed(failure) }
                    continue
                default:
                    return .failed(.init(alert: nil, reason: "peer sent alert \(TLSAlert.describe(description))"))
                }
            case .handshake:
                guard count > 0 else { return .failed(.init(alert: .unexpectedMessage, reason: "empty handshake record")) }
                if let failure = countRecordWithoutData() { return .failed(failure) }
                if spilled {
                    handshakeFragment.append(contentsOf: spill[0..<count])
                } else {
                    handshakeFragment.append(contentsOf: UnsafeRawBufferPointer(rebasing: destination[0..<count]))
                }
                if let failure = applyHandshakeMessages(replies: &replies) { return .failed(failure) }
            case .changeCipherSpec:
                return .failed(.init(alert: .unexpectedMessage, reason: "unexpected content type \(type.rawValue)"))
            }
        }
    }

    /// Counts a record that carried no application data; the failure once a peer sent more
    /// than ``maximumRecordsWithoutData`` of them in a row.
    private func countRecordWithoutData() -> TLSRecordFailure? {
        recordsWithoutData &+= 1
        guard recordsWithoutData > Self.maximumRecordsWithoutData else { return nil }
        return .init(alert: .unexpectedMessage, reason: "too many records without application data")
    }

    /// Decrypts one whole record into `destination` (or ``spill`` when it does not fit)
    /// and finds its inner content type (§5.2, §5.4). Returns the type, the content's
    /// length and whether it is in the spill.
    private func open(
        _ record: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer
    ) -> Result<(ContentType, Int, Bool), TLSRecordFailure> {
        guard record[0] == ContentType.applicationData.rawValue else {
            // After the handshake every record is protected; a change_cipher_spec is
            // allowed only before the peer's Finished (§5).
            return .failure(.init(alert: .unexpectedMessage, reason: "unprotected record of type \(record[0])"))
        }
        let sealedCount = record.count - Self.headerLength - Self.tagLength
        guard sealedCount >= 0, let base = record.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return .failure(.init(alert: .badRecordMAC, reason: "decryption failed or bad record mac"))
        }
        let spilled = sealedCount > destination.count
        if spilled {
            if spill.count < sealedCount { spill = [UInt8](repeating: 0, count: Self.maximumCiphertext) }
            spillOffset = spill.count
        }
        let authentic: Bool
        if spilled {
            authentic = spill.withUnsafeMutableBytes { decrypt(base, sealedCount, into: $0) }
        } else {
            authentic = decrypt(base, sealedCount, into: destination)
        }
        guard authentic, readKey.advance() else {
            return .failure(.init(alert: .badRecordMAC, reason: "decryption failed or bad record mac"))
        }
        // The content type is the last non-zero byte; zeros after it are padding.
        let end = spilled
            ? spill.withUnsafeBytes { Self.contentEnd(UnsafeRawBufferPointer(rebasing: $0[0..<sealedCount])) }
            : Self.contentEnd(UnsafeRawBufferPointer(rebasing: destination[0..<sealedCount]))
        guard end > 0 else {
            return .failure(.init(alert: .unexpectedMessage, reason: "record without a content type"))
        }
        let count = end - 1
        guard count <= Self.maximumPlaintext else {
            return .failure(.init(alert: .recordOverflow, reason: "record overflow"))
        }
        let typeByte = spilled ? spill[count] : destination[count]
        guard let type = ContentType(rawValue: typeByte) else {
            return .failure(.init(alert: .unexpectedMessage, reason: "unexpected content type \(typeByte)"))
        }
        return .success((type, count, spilled))
    }

    /// The length of `inner` without its trailing zeros (its padding).
    private static func contentEnd(_ inner: UnsafeRawBufferPointer) -> Int {
        var end = inner.count
        while end > 0 && inner[end - 1] == 0 { end -= 1 }
        return end
    }

    private func decrypt(_ record: UnsafePointer<UInt8>, _ count: Int, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard let target = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        return readKey.withNonce { nonce in
            fc_tls13_open(readKey.context, nonce, record, record + 5, Int32(count), record + 5 + count, target) == 1
        }
    }

    /// Hands out the spilled record's next part.
    private func takeSpill(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(destination.count, spill.count - spillOffset)
        spill.withUnsafeBytes { bytes in
            if let source = bytes.baseAddress { destination.baseAddress?.copyMemory(from: source + spillOffset, byteCount: count) }
        }
        spillOffset += count
        if spillOffset == spill.count {
            spill = []
            spillOffset = 0
        }
        return count
    }

    /// Applies the complete messages in ``handshakeFragment``. After the handshake a
    /// client may send only KeyUpdate (we ask for no post-handshake authentication and
    /// clients send no tickets), and a KeyUpdate must end its record (§5.1).
    private func applyHandshakeMessages(replies: inout ByteWriter) -> TLSRecordFailure? {
        while !handshakeFragment.isEmpty {
            guard handshakeFragment[0] == Self.keyUpdateType else {
                return .init(alert: .unexpectedMessage, reason: "unexpected handshake message \(handshakeFragment[0]) after the handshake")
            }
            guard handshakeFragment.count >= 5 else {
                if handshakeFragment.count >= 4, handshakeFragment[1...3] != [0, 0, 1] {
                    return .init(alert: .decodeError, reason: "malformed KeyUpdate")
                }
                return nil  // the rest comes in the next record
            }
            guard handshakeFragment[1...3] == [0, 0, 1] else {
                return .init(alert: .decodeError, reason: "malformed KeyUpdate")
            }
            let request = handshakeFragment[4]
            guard request <= 1 else {
                return .init(alert: .illegalParameter, reason: "KeyUpdate with request_update \(request)")
            }
            guard handshakeFragment.count == 5 else {
                return .init(alert: .unexpectedMessage, reason: "KeyUpdate not at the end of its record")
            }
            handshakeFragment.removeAll()
            guard readKey.update() else { return .init(alert: .internalError, reason: "key update failed") }
            if request == 1, !sendKeyUpdate(requestingPeerUpdate: false, into: &replies) {
                return .init(alert: .internalError, reason: "key update failed")
            }
        }
        return nil
    }
}
