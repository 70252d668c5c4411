/// The figures a flow detector is judged by, computed from its calls on labelled sessions.
///
/// Two allowances keep latency out of the per-window figures (latency has targets of its
/// own): the first ``entryAllowanceMs`` (3 min) of a flow phase, and the first
/// ``exitAllowanceMs`` (60 s) of a phase that follows a flow phase. "Settled" figures skip
/// those windows; "all windows" figures count them.
public struct FlowEvaluation: Sendable {
    /// Flow windows this early in their phase are not counted in settled figures.
    public static let entryAllowanceMs: Int64 = 180_000
    /// Non-flow windows this early after a flow phase are not counted in settled figures.
    public static let exitAllowanceMs: Int64 = 60_000

    /// Windows of one kind and how many of them were called flow.
    public struct Share: Hashable, Sendable {
        /// Windows counted.
        public var windows = 0
        /// Of those, called flow.
        public var calledFlow = 0
        /// No windows.
        public init() {}

        /// `calledFlow / windows` (0 when empty).
        public var fraction: Double { windows > 0 ? Double(calledFlow) / Double(windows) : 0 }
    }

    /// True/false positives and negatives.
    public struct Confusion: Hashable, Sendable {
        public var truePositive = 0, falsePositive = 0, trueNegative = 0, falseNegative = 0

        /// Nothing counted.
        public init() {}

        mutating func add(predicted: Bool, actual: Bool) {
            switch (predicted, actual) {
            case (true, true): truePositive += 1
            case (true, false): falsePositive += 1
            case (false, false): trueNegative += 1
            case (false, true): falseNegative += 1
            }
        }

        /// Of the windows called flow, the share that were flow.
        public var precision: Double { ratio(truePositive, truePositive + falsePositive) }
        /// Of the flow windows, the share called flow.
        public var recall: Double { ratio(truePositive, truePositive + falseNegative) }
        /// Of the non-flow windows, the share not called flow.
        public var specificity: Double { ratio(trueNegative, trueNegative + falsePositive) }
        /// Mean of recall and specificity.
        public var balancedAccuracy: Double { (recall + specificity) / 2 }

        private func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }
    }

    /// Per window kind, settled windows.
    public var settledShares: [PhaseKind: Share] = [:]
    /// Per window kind, all windows.
    public var allShares: [PhaseKind: Share] = [:]
    /// Settled windows.
    public var settled = Confusion()
    /// All windows.
    public var all = Confusion()
    /// Phases counted for stability.
    public var phases = 0
    /// In-flow changes beyond the one a phase boundary calls for, summed over phases.
    public var extraChanges = 0
    /// Entry latencies (flow phase start → first flow call), ms; a phase never entered
    /// counts its whole length.
    public var entryLatenciesMs: [Int64] = []
    /// Flow phases never entered.
    public var entriesMissed = 0
    /// Exit latencies (flow phase end → first non-flow call), ms, for flow phases that ended
    /// in flow.
    public var exitLatenciesMs: [Int64] = []
    /// Calibration: calls by confidence.
    public var reliability = ReliabilityTable()

    /// Evaluates the calls of some sessions.
    public init(_ sessions: [SessionCalls]) {
        for session in sessions { add(session) }
    }

    /// State changes per stable phase (beyond the one a change of label calls for).
    public var changesPerStablePhase: Double { phases > 0 ? Double(extraChanges) / Double(phases) : 0 }
    /// Median entry latency, ms.
    public var medianEntryLatencyMs: Int64 { Self.median(entryLatenciesMs) }
    /// Median exit latency, ms.
    public var medianExitLatencyMs: Int64 { Self.median(exitLatenciesMs) }

    /// The largest settled share called flow among non-flow kinds.
    public var worstNonFlowShare: Double {
        PhaseKind.allCases.filter { !$0.isFlow }.map { settledShares[$0]?.fraction ?? 0 }.max() ?? 0
    }

    static func median(_ values: [Int64]) -> Int64 {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    private mutating func add(_ session: SessionCalls) {
        var previousInFlow: Bool?
        var changesInPhase = 0
        var currentPhase = -1
        for call in session.calls {
            if call.phase != currentPhase {
                if currentPhase >= 0 { closePhase(session, currentPhase, changes: changesInPhase) }
                currentPhase = call.phase
                changesInPhase = 0
            }
            if let previousInFlow, previousInFlow != call.inFlow { changesInPhase += 1 }
            previousInFlow = call.inFlow
            all.add(predicted: call.inFlow, actual: call.label.isFlow)
            allShares[call.label, default: Share()].add(call.inFlow)
            reliability.add(call)
            if isSettled(call, in: session) {
                settled.add(predicted: call.inFlow, actual: call.label.isFlow)
                settledShares[call.label, default: Share()].add(call.inFlow)
            }
        }
        if currentPhase >= 0 { closePhase(session, currentPhase, changes: changesInPhase) }
        measureLatencies(session)
    }

    private func isSettled(_ call: WindowCall, in session: SessionCalls) -> Bool {
        guard session.phases.indices.contains(call.phase) else { return true }
        let phase = session.phases[call.phase]
        let into = call.atMs - phase.startMs
        if phase.kind.isFlow { return into > Self.entryAllowanceMs }
        let afterFlow = call.phase > 0 && session.phases[call.phase - 1].kind.isFlow
        return !afterFlow || into > Self.exitAllowanceMs
    }

    private mutating func closePhase(_ session: SessionCalls, _ phase: Int, changes: Int) {
        guard session.phases.indices.contains(phase) else { return }
        let isFlow = session.phases[phase].kind.isFlow
        let wasFlow = phase > 0 ? session.phases[phase - 1].kind.isFlow : false
        let expected = isFlow != wasFlow ? 1 : 0
        phases += 1
        extraChanges += Swift.max(0, changes - expected)
    }

    private mutating func measureLatencies(_ session: SessionCalls) {
        for (index, phase) in session.phases.enumerated() where phase.kind.isFlow {
            let inside = session.calls.filter { $0.phase == index }
            if let first = inside.first(where: \.inFlow) {
                entryLatenciesMs.append(first.atMs - phase.startMs)
            } else {
                entryLatenciesMs.append(phase.endMs - phase.startMs)
                entriesMissed += 1
            }
            guard let last = inside.last, last.inFlow, index + 1 < session.phases.count else { continue }
            if let exit = session.calls.first(where: { $0.atMs > phase.endMs && !$0.inFlow }) {
                exitLatenciesMs.append(exit.atMs - phase.endMs)
            } else if let end = session.calls.last?.atMs {
                exitLatenciesMs.append(end - phase.endMs)
            }
        }
    }
}

extension FlowEvaluation.Share {
    mutating func add(_ calledFlow: Bool) {
        windows += 1
        if calledFlow { self.calledFlow += 1 }
    }
}
