import WSProtocol

/// The ciphertext a ``TLSSession`` exchanges with OpenSSL through its ``CiphertextBIO``,
/// arranged so that a record is copied once each way instead of twice through memory BIOs.
///
/// - **In:** OpenSSL reads records straight out of the bytes the event loop just read from
///   the socket (``lent``, not owned). Only what it has not taken when the loop ends its
///   read pass (input paused, a session that stopped) is copied into ``kept``, which is
///   read first next time, so order is preserved.
/// - **Out:** OpenSSL's records are appended to ``records``. A write that names a
///   destination (the loop's cork) swaps that destination in for the duration of the call,
///   so its records land there directly; handshake messages and alerts written during a
///   read wait here until drained.
///
/// Heap-allocated by the session (the BIO keeps its address) and used only on the
/// session's thread.
struct CiphertextBuffers {
    /// Ciphertext received earlier that OpenSSL has not read yet.
    var kept = ByteWriter()
    /// Ciphertext lent for the current read pass; valid until ``endLoan()``.
    var lent = UnsafeRawBufferPointer(start: nil, count: 0)
    /// How much of ``lent`` OpenSSL has read.
    var lentOffset = 0
    /// The socket reached end of stream: once the buffered bytes are read, reads say EOF
    /// instead of "retry".
    var receivedEndOfStream = false
    /// Records OpenSSL wrote, in order.
    var records = ByteWriter()

    /// Ciphertext OpenSSL can still read.
    var unreadCount: Int { kept.readableCount + (lent.count - lentOffset) }

    /// Copies up to `buffer.count` bytes of unread ciphertext into `buffer`, oldest first;
    /// returns how many (0 when there are none).
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let destination = buffer.baseAddress else { return 0 }
        var copied = 0
        if !kept.isEmpty {
            copied = kept.withUnsafeReadableBytes { bytes in
                let count = min(bytes.count, buffer.count)
                if let source = bytes.baseAddress { destination.copyMemory(from: source, byteCount: count) }
                return count
            }
            kept.consume(copied)
        }
        let lentLeft = lent.count - lentOffset
        if copied < buffer.count, lentLeft > 0, let source = lent.baseAddress {
            let count = min(lentLeft, buffer.count - copied)
            (destination + copied).copyMemory(from: source + lentOffset, byteCount: count)
            lentOffset += count
            copied += count
        }
        return copied
    }

    /// Starts a read pass over `bytes`, which must stay valid and unchanged until ``endLoan()``.
    mutating func lend(_ bytes: UnsafeRawBufferPointer) {
        precondition(lent.baseAddress == nil, "ciphertext lent twice without ending the first loan")
        lent = bytes
        lentOffset = 0
    }

    /// Ends the read pass: what OpenSSL did not read is copied into ``kept`` unless
    /// `keepingUnread` is false (the session will read nothing more).
    mutating func endLoan(keepingUnread: Bool) {
        if keepingUnread, lentOffset < lent.count {
            kept.append(UnsafeRawBufferPointer(rebasing: lent[lentOffset...]))
        }
        lent = UnsafeRawBufferPointer(start: nil, count: 0)
        lentOffset = 0
    }
}

// MARK: - Whole records (``TLS13RecordLayer``)

extension CiphertextBuffers {
    /// Where the next whole TLS record is.
    enum RecordLocation: Equatable {
        /// Not all of it has arrived.
        case incomplete
        /// Its header announces more than the allowed length.
        case overflow
        /// In ``lent`` at `offset` (the record layer moves ``lentOffset`` past it).
        case lent(offset: Int, count: Int)
        /// At the front of ``kept`` (the record layer consumes it).
        case kept(count: Int)
    }

    /// Finds the next whole record, header included: in place in the lent bytes when
    /// nothing is kept, otherwise at the front of ``kept``, completed from the lent bytes
    /// (only a record that straddles two reads is copied).
    mutating func locateRecord(maximumLength: Int) -> RecordLocation {
        let header = 5
        if kept.isEmpty {
            let available = lent.count - lentOffset
            guard available >= header else { return .incomplete }
            let length = Int(lent[lentOffset + 3]) << 8 | Int(lent[lentOffset + 4])
            guard length <= maximumLength else { return .overflow }
            guard available >= header + length else { return .incomplete }
            return .lent(offset: lentOffset, count: header + length)
        }
        moveLentToKept(upTo: header)
        guard kept.readableCount >= header else { return .incomplete }
        let length = kept.withUnsafeReadableBytes { Int($0[3]) << 8 | Int($0[4]) }
        guard length <= maximumLength else { return .overflow }
        moveLentToKept(upTo: header + length)
        guard kept.readableCount >= header + length else { return .incomplete }
        return .kept(count: header + length)
    }

    /// Moves lent bytes to the end of ``kept`` until it holds `count` bytes (or the lent
    /// bytes run out).
    private mutating func moveLentToKept(upTo count: Int) {
        let missing = count - kept.readableCount
        let lentLeft = lent.count - lentOffset
        guard missing > 0, lentLeft > 0 else { return }
        let moved = min(missing, lentLeft)
        kept.append(UnsafeRawBufferPointer(rebasing: lent[lentOffset..<lentOffset + moved]))
        lentOffset += moved
    }
}
