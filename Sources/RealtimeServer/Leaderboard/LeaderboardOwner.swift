public import CoachingCore
import CLinux
import Glibc
public import LoopKit
import Synchronization

/// The single owner of every leaderboard (DESIGN.md "Threads and ownership"): one thread
/// that receives inputs from any thread, keeps the rankings and publishes coalesced
/// snapshots through a sink.
///
/// ```swift
/// let owner = LeaderboardOwner(sink: { event in for loop in loops { loop.mailbox.post(.publish(event)) } })
/// owner.post(.stored(totals))          // start-up rebuild (after .privacy / .teams inputs)
/// try owner.start()
/// owner.post(.score(delta))            // from a session checkpoint, any thread
/// let snapshot = owner.latest(for: key) // on subscribe, any thread
/// owner.stop()
/// ```
///
/// Each tick (every `tickIntervalMs`, default 250 ms) drains the inbox, applies the inputs
/// in order, rolls periods over from the clock, and hands due events to the sink (outside
/// any lock). The clock is injected, so tests drive ``tick()`` by hand.
///
/// Thread-safety without unchecked claims: the book sits in a `Mutex` that only the owner
/// thread (or a test calling ``tick()``) takes, once per tick; producers touch only the
/// inbox `Mutex`; loops read published snapshots from a third `Mutex` (on subscribe only).
public final class LeaderboardOwner: Sendable {
    /// Receives every published event, on the owner thread.
    public typealias Sink = @Sendable (ChannelEvent) -> Void

    public let configuration: LeaderboardConfiguration
    private let nowMs: @Sendable () -> Int64
    private let periodsAt: @Sendable (Int64) -> PeriodKeys
    private let sink: Sink
    private let book: Mutex<LeaderboardBook>
    /// Posted to by every loop: a `ThreadLock`, whose ordering ThreadSanitizer sees (see ThreadLock).
    private let inbox = ThreadLock<[LeaderboardInput]>([])
    private let published: Mutex<(periods: PeriodKeys, events: [ChannelKey: ChannelEvent])>
    private let running = Atomic<Bool>(false)
    private let dropped = Atomic<Int>(0)
    private let thread = Mutex<pthread_t?>(nil)

    /// - Parameters:
    ///   - nowMs: wall-clock milliseconds since the epoch (period keys and publish spacing).
    ///   - periodsAt: the leaderboard calendar (default: UTC days, ISO weeks, months).
    ///   - sink: called with each published event, on the owner thread.
    public init(
        configuration: LeaderboardConfiguration = LeaderboardConfiguration(),
        nowMs: @escaping @Sendable () -> Int64 = { WallClock.nowMs() },
        periodsAt: @escaping @Sendable (Int64) -> PeriodKeys = { PeriodKeys(utcMs: $0) },
        sink: @escaping Sink
    ) {
        self.configuration = configuration
        self.nowMs = nowMs
        self.periodsAt = periodsAt
        self.sink = sink
        let periods = periodsAt(nowMs())
        book = Mutex(LeaderboardBook(configuration: configuration, periods: periods))
        published = Mutex((periods, [:]))
    }

    deinit { stop() }

    /// Queues an input from any thread. Returns false (and counts it in ``droppedInputs``)
    /// when `maxQueuedInputs` are already waiting.
    @discardableResult
    public func post(_ input: LeaderboardInput) -> Bool {
        let accepted = inbox.withLock { queue in
            guard queue.count < configuration.maxQueuedInputs else { return false }
            queue.append(input)
            return true
        }
        if !accepted { dropped.add(1, ordering: .relaxed) }
        return accepted
    }

    /// Inputs refused because the inbox was full.
    public var droppedInputs: Int { dropped.load(ordering: .relaxed) }

    /// The snapshot a new subscriber of `key` gets at once: the last published event, or
    /// an empty board when nothing was published on `key` yet. `nil` for `stats:me`.
    public func latest(for key: ChannelKey) -> ChannelEvent? {
        let (periods, event) = published.withLock { ($0.periods, $0.events[key]) }
        if let event { return event }
        return LeaderboardBook(configuration: configuration, periods: periods).snapshot(for: key)
    }

    /// One iteration: apply queued inputs, roll periods over, publish what is due. Returns
    /// the number of events published. Called by the owner thread; tests call it directly.
    @discardableResult
    public func tick() -> Int {
        let inputs = inbox.withLock { queue in
            let taken = queue
            // Room for as many inputs as this tick took, not the most ever queued, so a burst
            // does not stay resident.
            queue = []
            queue.reserveCapacity(taken.count)
            return taken
        }
        let now = nowMs()
        let periods = periodsAt(now)
        let (events, current) = book.withLock { book in
            for input in inputs { book.apply(input) }
            book.advance(to: periods)
            return (book.publish(nowMs: now), book.periods)
        }
        published.withLock { state in
            state.periods = current
            for event in events { state.events[event.key] = event }
        }
        for event in events { sink(event) }
        return events.count
    }

    /// Starts the owner thread (`flowcoach-boards`). Calling it twice is a no-op.
    public func start() throws(LeaderboardOwnerError) {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return }
        final class Box: Sendable {
            let owner: LeaderboardOwner
            init(_ owner: LeaderboardOwner) { self.owner = owner }
        }
        let box = Unmanaged.passRetained(Box(self)).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { argument in
            guard let argument else { return nil }
            let owner = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue().owner
            owner.run()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            running.store(false, ordering: .releasing)
            throw .threadCreationFailed(errno: status)
        }
        thread.withLock { $0 = handle }
    }

    /// Stops the owner thread after its current tick and waits for it. Inputs still queued
    /// are not applied (the store has them; the next start rebuilds from it).
    public func stop() {
        running.store(false, ordering: .releasing)
        guard let handle = thread.withLock({ state -> pthread_t? in
            defer { state = nil }
            return state
        }) else { return }
        if pthread_equal(handle, pthread_self()) == 0 { pthread_join(handle, nil) }
    }

    private func run() {
        flowcoach_set_thread_name("flowcoach-boards")
        let interval = max(1, configuration.tickIntervalMs)
        while running.load(ordering: .acquiring) {
            tick()
            var request = timespec(tv_sec: Int(interval / 1000), tv_nsec: Int(interval % 1000) * 1_000_000)
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
        }
    }

}
