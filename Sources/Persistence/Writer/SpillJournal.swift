import CoachingCore
import Foundation
import Glibc

/// The writer's spill journal: while the store is down and the queue is past its
/// memory bound, batches go to this append-only file instead, fsync'd before they are
/// acked, and are replayed through `Store.writeBatch` once the store answers again.
///
/// ## Format
///
/// A sequence of records, each `length` (UInt32 LE, payload bytes) · `crc32` (UInt32 LE,
/// IEEE CRC-32 of the payload) · `payload` (JSON of one batch). A record is durable once
/// `append` returns (write + fsync). A crash mid-append leaves a torn tail (short length,
/// short payload or bad checksum): reading stops there, and opening the file cuts it off so
/// later appends stay readable. Nothing after a torn record was ever acked, because acks
/// follow the fsync of the record that carries them.
///
/// Replays are idempotent (the store's seq guard, flow periods keyed by start, newest
/// baseline), so a record replayed twice (a crash between replay and truncation) is harmless.
///
/// Not thread-safe: used by the writer thread only.
final class SpillJournal {
    /// One spilled batch.
    struct Entry: Codable, Hashable {
        var checkpoints: [SessionCheckpoint]
        var baselines: [BaselineRecord]
    }

    let path: String
    private let descriptor: Int32
    /// Bytes of valid records in the file.
    private(set) var byteCount: Int

    /// Largest payload accepted when reading (a corrupt length must not allocate gigabytes).
    static let maxPayloadBytes = 256 << 20

    /// Opens (creating) the journal at `path` and cuts off any torn tail.
    init(path: String) throws(StoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard opened >= 0 else { throw .openFailed(path: path, message: "cannot open spill journal: errno \(errno)") }
        descriptor = opened
        byteCount = 0
        let valid = Self.scan(try readFile()).validBytes
        if valid != (try fileSize()) {
            guard ftruncate(descriptor, off_t(valid)) == 0, fsync(descriptor) == 0 else {
                close(descriptor)
                throw .unavailable(code: errno, message: "cannot cut the torn tail of the spill journal \(path)")
            }
        }
        byteCount = valid
        // The file's directory entry must survive a crash too.
        if !directory.isEmpty {
            let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directoryDescriptor >= 0 {
                _ = fsync(directoryDescriptor)
                close(directoryDescriptor)
            }
        }
    }

    deinit { close(descriptor) }

    var isEmpty: Bool { byteCount == 0 }

    /// Appends one batch and fsyncs; when this returns, the batch is durable.
    func append(_ entry: Entry) throws(StoreError) {
        let payload: Data
        do {
            payload = try JSONEncoder().encode(entry)
        } catch {
            throw .invalidValue(what: "spill journal entry: \(error)")
        }
        var record = [UInt8]()
        record.reserveCapacity(8 + payload.count)
        Self.appendUInt32(UInt32(payload.count), to: &record)
        Self.appendUInt32(CRC32.checksum(payload), to: &record)
        record.append(contentsOf: payload)
        let written = record.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return false }
            var offset = 0
            while offset < bytes.count {
                let result = pwrite(descriptor, base + offset, bytes.count - offset, off_t(byteCount + offset))
                if result < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += result
            }
            return true
        }
        guard written, fsync(descriptor) == 0 else {
            // Cut back whatever part was written: the next append must start at a record edge.
            _ = ftruncate(descriptor, off_t(byteCount))
            throw .unavailable(code: errno, message: "cannot append to the spill journal \(path) (disk full?)")
        }
        byteCount += record.count
    }

    /// Every complete record, oldest first (a torn tail is ignored).
    func entries() throws(StoreError) -> [Entry] {
        var entries: [Entry] = []
        for payload in Self.scan(try readFile()).payloads {
            do {
                entries.append(try JSONDecoder().decode(Entry.self, from: payload))
            } catch {
                throw .corruptRow(table: "spill journal", column: "payload")
            }
        }
        return entries
    }

    /// Empties the journal after its records were replayed.
    func truncate() throws(StoreError) {
        guard ftruncate(descriptor, 0) == 0, fsync(descriptor) == 0 else {
            throw .unavailable(code: errno, message: "cannot truncate the spill journal \(path)")
        }
        byteCount = 0
    }

    // MARK: Reading

    private func fileSize() throws(StoreError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .unavailable(code: errno, message: "cannot stat \(path)") }
        return Int(info.st_size)
    }

    private func readFile() throws(StoreError) -> Data {
        let size = try fileSize()
        var data = Data(count: size)
        guard size > 0 else { return data }
        let complete = data.withUnsafeMutableBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            var offset = 0
            while offset < size {
                let result = pread(descriptor, base + offset, size - offset, off_t(offset))
                if result < 0 && errno == EINTR { continue }
                if result <= 0 { return false }
                offset += result
            }
            return true
        }
        guard complete else { throw .unavailable(code: errno, message: "cannot read the spill journal \(path)") }
        return data
    }

    /// The payloads of the complete, checksummed records at the start of `data`, and where
    /// they end.
    static func scan(_ data: Data) -> (payloads: [Data], validBytes: Int) {
        var payloads: [Data] = []
        var offset = 0
        let bytes = [UInt8](data)
        while bytes.count - offset >= 8 {
            let length = Int(readUInt32(bytes, at: offset))
            let checksum = readUInt32(bytes, at: offset + 4)
            guard length <= maxPayloadBytes, bytes.count - offset - 8 >= length else { break }
            let payload = Data(bytes[(offset + 8)..<(offset + 8 + length)])
            guard CRC32.checksum(payload) == checksum else { break }
            payloads.append(payload)
            offset += 8 + length
        }
        return (payloads, offset)
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { value, index in value | UInt32(bytes[offset + index]) << UInt32(8 * index) }
    }
}

/// IEEE 802.3 CRC-32 (reflected, polynomial 0xEDB88320), table-driven.
enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    static func checksum(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
