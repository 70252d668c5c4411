import Foundation
import WSProtocol
@testable import CoachingCore

/// A `CoachingShell` that records what the shard asked for: the messages as parsed JSON,
/// closes, store requests, writer records and jobs. `acceptsRecords` and `acceptsJobs`
/// model a full writer queue.
final class RecordingShell: CoachingShell {
    enum Recorded {
        case message(ConnectionID, [String: Any])
        case snapshot(ConnectionID, ChannelKey)
        case published(ChannelKey)
        case close(ConnectionID, UInt16, String)
        case refuseUpgrade(ConnectionID, Int)
        case checkToken(ConnectionID, String)
        case lookUpSession(ConnectionID, SessionStartRequest)
        case resumeInput(ConnectionID)
        case handOver(ConnectionID, Int)
        case leaderboard(LeaderboardInput)
    }

    var recorded: [Recorded] = []
    /// Every message sent, as the bytes went out (for byte-for-byte comparisons).
    var texts: [(id: ConnectionID, text: String)] = []
    var records: [PersistenceRecord] = []
    var jobs: [StoreJob] = []
    var acceptsRecords = true
    var acceptsJobs = true
    var snapshots: [ChannelKey: ChannelEvent] = [:]
    /// Every snapshot and local publication, with its JSON.
    var events: [(key: ChannelKey, json: [String: Any])] = []

    func perform(_ action: CoachingAction) {
        switch action {
        case .send(let id, let payload):
            let object = (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] ?? ["unparsed": true]
            recorded.append(.message(id, object))
            texts.append((id, String(decoding: payload, as: UTF8.self)))
        case .deliverSnapshot(let id, let event):
            recorded.append(.snapshot(id, event.key))
            events.append((event.key, Self.json(event)))
        case .publishLocally(let event):
            recorded.append(.published(event.key))
            events.append((event.key, Self.json(event)))
        case .close(let id, let code, let reason):
            recorded.append(.close(id, code.rawValue, reason))
        case .refuseUpgrade(let id, let status, _):
            recorded.append(.refuseUpgrade(id, status))
        case .checkToken(let id, let token, _):
            recorded.append(.checkToken(id, token))
        case .lookUpSession(let id, let request):
            recorded.append(.lookUpSession(id, request))
        case .resumeInput(let id):
            recorded.append(.resumeInput(id))
        case .handOver(let id, let home, _, _):
            recorded.append(.handOver(id, home))
        case .leaderboard(let input):
            recorded.append(.leaderboard(input))
        }
    }

    func enqueue(_ record: PersistenceRecord) -> Bool {
        guard acceptsRecords else { return false }
        records.append(record)
        return true
    }

    func submit(_ job: StoreJob) -> Bool {
        guard acceptsJobs else { return false }
        jobs.append(job)
        return true
    }

    func latestSnapshot(for key: ChannelKey) -> ChannelEvent? { snapshots[key] }

    // MARK: Reading what was recorded

    /// Messages sent to `id`, in order.
    func messages(to id: ConnectionID) -> [[String: Any]] {
        recorded.compactMap { if case .message(id, let object) = $0 { object } else { nil } }
    }

    /// The last message sent to `id`.
    func last(to id: ConnectionID) -> [String: Any]? { messages(to: id).last }

    /// Close codes sent to `id`.
    func closes(of id: ConnectionID) -> [UInt16] {
        recorded.compactMap { if case .close(id, let code, _) = $0 { code } else { nil } }
    }

    /// Checkpoints handed to the writer, in order.
    var checkpoints: [SessionCheckpoint] {
        records.compactMap { if case .checkpoint(let checkpoint) = $0 { checkpoint } else { nil } }
    }

    /// Session look-ups asked for.
    var lookUps: [SessionStartRequest] {
        recorded.compactMap { if case .lookUpSession(_, let request) = $0 { request } else { nil } }
    }

    func clear() { recorded.removeAll() }

    static func json(_ event: ChannelEvent) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(event.frame.payload))) as? [String: Any] ?? [:]
    }

    /// The `data` of the latest `stats:me` event.
    var latestStats: [String: Any]? {
        events.last { if case .userStats = $0.key { true } else { false } }?.json["data"] as? [String: Any]
    }
}
