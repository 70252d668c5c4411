import WireJSON

/// A WakaTime heartbeat request body, checked item by item.
///
/// The body is one heartbeat object or an array of them. Only a body that cannot be read
/// at all (not JSON, neither an object nor an array, over the size limits) fails as a
/// whole; anything else yields one ``Item`` per element, in order, so the server can answer
/// each one. A plugin re-queues a whole rejected request forever (Wakapi's poison batch),
/// so one bad heartbeat must never sink its neighbours.
public struct HeartbeatBatch: Sendable {
    /// What became of one element of the body.
    public enum Item: Sendable, Hashable {
        case accepted(HeartbeatRecord)
        /// Refused with a reason naming the field; the plugin drops it (status 400).
        case rejected(reason: String)
        /// Past ``HeartbeatLimits/maxItems``: the plugin should send it again later (429).
        case deferred
    }

    /// Why a whole body could not be read.
    public enum BodyError: Error, Sendable, Hashable {
        case notJSON(String)
        case notHeartbeats
        case tooLarge(limit: Int)

        public var message: String {
            switch self {
            case .notJSON(let detail): "the body is not JSON: \(detail)"
            case .notHeartbeats: "the body must be a heartbeat object or an array of heartbeats"
            case .tooLarge(let limit): "the body is over \(limit) bytes"
            }
        }
    }

    /// `true` when the body was a single object (answered in WakaTime's single shape).
    public var isSingle: Bool
    public var items: [Item]

    /// Reads `body`.
    ///
    /// - Parameters:
    ///   - editor, machine: what the request says about its origin (user agent and
    ///     `X-Machine-Name`); a heartbeat's own `user_agent` wins over the request's.
    ///   - nowMs: the server's wall clock, to refuse heartbeats from the far future.
    public init(
        parsing body: [UInt8], userAgent: String?, machine: String?, nowMs: Int64, limits: HeartbeatLimits = HeartbeatLimits()
    ) throws(BodyError) {
        guard body.count <= limits.maxBodyBytes else { throw .tooLarge(limit: limits.maxBodyBytes) }
        let context = HeartbeatReader(
            limits: limits, requestEditor: userAgent.map(HeartbeatReader.editor(fromUserAgent:)) ?? "",
            machine: HeartbeatReader.clean(machine, limit: limits.maxNameBytes) ?? "", nowMs: nowMs)
        let outcome: Result<(Bool, [Item]), BodyError> = body.withUnsafeBytes { bytes in
            var parser = JSONParser(limits: JSONLimits(maxDepth: 8, maxValues: limits.maxJSONValues, maxInputBytes: limits.maxBodyBytes))
            do throws(JSONError) {
                let root = try parser.parse(bytes)
                switch root.type {
                case .object:
                    return .success((true, [context.read(root)]))
                case .array:
                    var items: [Item] = []
                    for element in try root.array() {
                        items.append(items.count < limits.maxItems ? context.read(element) : .deferred)
                    }
                    return .success((false, items))
                default:
                    return .failure(.notHeartbeats)
                }
            } catch {
                return .failure(.notJSON(error.message))
            }
        }
        switch outcome {
        case .success(let (single, items)):
            isSingle = single
            self.items = items
        case .failure(let error):
            throw error
        }
    }

    /// The accepted heartbeats.
    public var accepted: [HeartbeatRecord] {
        items.compactMap { if case .accepted(let record) = $0 { record } else { nil } }
    }
}

/// Bounds of a heartbeat request.
public struct HeartbeatLimits: Sendable, Hashable {
    /// Longest body (a heartbeat is about 500 bytes; plugins send at most a few hundred).
    public var maxBodyBytes = 2 << 20
    /// Heartbeats read per request; the rest are answered 429 to be sent again.
    public var maxItems = 1_000
    /// JSON values in one body (dependencies lists make heartbeats large).
    public var maxJSONValues = 200_000
    /// Longest entity (a file path or URL).
    public var maxEntityBytes = 2_048
    /// Longest project, branch, language, category, editor or machine name.
    public var maxNameBytes = 256
    /// How far in the future a heartbeat may be (clock skew), ms.
    public var maxFutureMs: Int64 = 86_400_000
    /// Oldest heartbeat accepted: 2000-01-01.
    public var earliestMs: Int64 = 946_684_800_000

    public init() {}
}
