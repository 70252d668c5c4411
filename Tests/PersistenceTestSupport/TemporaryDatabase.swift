public import Foundation
public import Persistence

/// A temporary directory holding one test database; removed when released.
public final class TemporaryDatabase {
    public let directory: URL
    public let path: String

    public init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowcoach-test-\(UUID().uuidString)")
        path = directory.appendingPathComponent("data/flowcoach.sqlite").path
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// A migrated store on this database.
    public func store() throws -> SQLiteStore {
        let store = try SQLiteStore(path: path)
        try store.migrate()
        return store
    }

    /// The bytes of the database file and its WAL, for "never stored" checks.
    public func fileBytes() throws -> Data {
        var data = Data()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            data.append(try Data(contentsOf: URL(fileURLWithPath: path + suffix)))
        }
        return data
    }
}
