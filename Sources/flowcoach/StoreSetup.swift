import CoachingCore
import Foundation
import Logging
import Persistence
import RealtimeServer

/// Opens the configured store (three connections: the writer's, the reader's and the API's), migrates
/// it, creates the first account on an empty store, and builds the coaching services.
enum StoreSetup {
    static func openServices(configuration: ServerConfiguration, logger: Logger) throws -> CoachingServices {
        let location: StoreLocation = configuration.databaseURL.map { .postgres(url: $0) } ?? .sqlite(path: configuration.databasePath)
        // Page caches sized so a long-running server's memory stays flat: each cache fills
        // up to its bound as pages of the file are touched, so the bounds are what the store
        // adds to RSS (6 MiB in all), and they are kept below the file of a busy server so
        // that the bound is reached in its first minutes rather than after hours (with 8 MiB
        // for the writer, a 10,000-session store of 7 MiB kept the cache growing for an
        // hour). A miss costs a read from the kernel's page cache, not the disk. The writer's
        // batches get the most; the readers' lookups are point queries.
        let writerStore = try location.open(sqliteCacheKiB: 4_096)
        // The reader's only writes are session claims. They need no fsync of their own: a
        // claim precedes, in the same WAL, every checkpoint of its session, and nothing is
        // acknowledged before the writer's commit fsyncs the WAL, which makes the claim
        // durable with it. Until then a power cut can only forget a claim with no
        // acknowledged data. Without this, every session start paid an fsync on the reader.
        let readerStore = try location.open(sqliteCacheKiB: 1_024, sqliteSynchronous: .normal)
        let apiStore = try location.open(sqliteCacheKiB: 1_024)
        logger.info("store opened", metadata: ["store": "\(location)"])
        try bootstrapFirstAccount(in: writerStore, logger: logger)
        return try CoachingServices(configuration: configuration, writerStore: writerStore, readerStore: readerStore, apiStore: apiStore, logger: logger)
    }

    /// First start on an empty store: a local user and an ingest token, printed once.
    private static func bootstrapFirstAccount(in store: any Store, logger: Logger) throws {
        let nowMs = Int64(Date().timeIntervalSince1970 * 1_000)
        guard let first = try AccountBootstrap.createFirstAccountIfEmpty(
            in: store, id: UUID().uuidString.lowercased(), timeZone: TimeZone.current.identifier, nowMs: nowMs)
        else { return }
        print("first token (ingest, user \(first.user.name)): \(first.token.text)")
        print("  shown once; create more with: flowcoach token create \(first.user.name) --scope ingest|read")
        fflush(nil)  // every stream: the token line must reach a pipe before the logs
        logger.notice("empty store: created the first user and an ingest token (printed on stdout)", metadata: ["user": "\(first.user.name)"])
    }
}
