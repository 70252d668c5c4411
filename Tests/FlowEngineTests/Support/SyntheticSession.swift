import TestSupport
import FlowEngine

/// What the user does during a phase of a synthetic session.
enum SyntheticActivity: Hashable {
    /// Focused, steady typing around `intervalMs` (the flow-worthy activity).
    case steady(intervalMs: Double, cov: Double = 0.3)
    /// Short fast bursts separated by pauses.
    case bursty
    /// Steady typing, but several context switches per window.
    case switching(intervalMs: Double)
    /// Steady typing with an error storm.
    case errorHeavy(intervalMs: Double)
    /// Bursty typing, switching and errors together.
    case mixed
    /// Away: no typing. With `sendWindows` the editor keeps sending empty windows;
    /// without, the client sends nothing.
    case idle(sendWindows: Bool)
    /// One window with a burst of context switches (the phase length is ignored).
    case switchStorm

    /// Whether windows of this activity are labelled "in flow" (ground truth).
    var isFlowWorthy: Bool {
        if case .steady = self { return true }
        return false
    }
}

/// A stretch of one activity.
struct Phase: Hashable {
    var activity: SyntheticActivity
    var minutes: Double
}

/// A generated window with its ground-truth label and the phase it belongs to.
struct LabelledWindow {
    var window: ActivityWindow
    var flowLabel: Bool
    var phase: Int
}

/// Generates deterministic editor windows (10 s by default) for a list of phases.
enum SyntheticSession {
    static func generate(_ phases: [Phase], seed: UInt64, startMs: Int64 = 1_763_000_000_000,
                         windowMs: Int64 = 10_000, language: String? = "swift") -> [LabelledWindow] {
        var rng = SeededGenerator(seed: seed)
        var windows: [LabelledWindow] = []
        var at = startMs
        var seq: Int64 = 0
        for (index, phase) in phases.enumerated() {
            if phase.activity == .switchStorm {
                at += windowMs
                seq += 1
                var window = typing(intervalMs: 200, cov: 0.3, windowMs: windowMs, rng: &rng)
                window.contextSwitches = Int64(rng.int(9...14))
                window.focusMs = windowMs / 2
                stamp(&window, seq: seq, at: at, windowMs: windowMs, language: language)
                windows.append(LabelledWindow(window: window, flowLabel: false, phase: index))
                continue
            }
            let count = Int((phase.minutes * 60_000 / Double(windowMs)).rounded())
            for _ in 0..<count {
                at += windowMs
                guard var window = make(phase.activity, windowMs: windowMs, rng: &rng) else { continue }
                seq += 1
                stamp(&window, seq: seq, at: at, windowMs: windowMs, language: language)
                windows.append(LabelledWindow(window: window, flowLabel: phase.activity.isFlowWorthy,
                                              phase: index))
            }
        }
        return windows
    }

    private static func stamp(_ window: inout ActivityWindow, seq: Int64, at: Int64, windowMs: Int64,
                              language: String?) {
        window.seq = seq
        window.atMs = at
        window.windowMs = windowMs
        window.language = language
    }

    private static func make(_ activity: SyntheticActivity, windowMs: Int64,
                             rng: inout SeededGenerator) -> ActivityWindow? {
        switch activity {
        case .steady(let interval, let cov):
            var window = typing(intervalMs: interval, cov: cov, windowMs: windowMs, rng: &rng)
            window.contextSwitches = rng.chance(0.04) ? 1 : 0
            window.errorEvents = rng.chance(0.05) ? 1 : 0
            return window
        case .bursty:
            var window = bursts(windowMs: windowMs, rng: &rng)
            window.contextSwitches = rng.chance(0.1) ? 1 : 0
            window.errorEvents = rng.chance(0.1) ? 1 : 0
            return window
        case .switching(let interval):
            var window = typing(intervalMs: interval, cov: 0.35, windowMs: windowMs, rng: &rng)
            window.contextSwitches = Int64(rng.int(3...7))
            window.focusMs = windowMs * Int64(rng.int(50...85)) / 100
            return window
        case .errorHeavy(let interval):
            var window = typing(intervalMs: interval, cov: 0.35, windowMs: windowMs, rng: &rng)
            window.errorEvents = Int64(rng.int(3...6))
            return window
        case .mixed:
            var window = bursts(windowMs: windowMs, rng: &rng)
            window.contextSwitches = Int64(rng.int(2...5))
            window.errorEvents = Int64(rng.int(2...4))
            window.focusMs = windowMs * Int64(rng.int(40...80)) / 100
            return window
        case .idle(let sendWindows):
            guard sendWindows else { return nil }
            return ActivityWindow(atMs: 0, windowMs: windowMs)
        case .switchStorm:
            return nil
        }
    }

    /// Steady typing filling ~95 % of the window.
    static func typing(intervalMs: Double, cov: Double, windowMs: Int64,
                       rng: inout SeededGenerator) -> ActivityWindow {
        var intervals: [Int32] = []
        var elapsed = 0.0
        var keystrokes: Int64 = 1
        while elapsed < Double(windowMs) * 0.95 {
            let value = Swift.max(15, rng.logNormal(median: intervalMs, cov: cov))
            elapsed += value
            keystrokes += 1
            if intervals.count < ActivityWindow.maximumIntervals { intervals.append(Int32(value)) }
        }
        return ActivityWindow(
            atMs: 0, windowMs: windowMs, keystrokes: keystrokes, keystrokeIntervals: intervals,
            focusMs: windowMs - Int64(rng.int(0...400)), filesModified: 1,
            linesAdded: Int64(rng.int(0...6)), linesDeleted: Int64(rng.int(0...2)),
            fileSaved: rng.chance(0.15))
    }

    /// Bursts of 3–10 fast keys separated by 0.8–4 s pauses.
    static func bursts(windowMs: Int64, rng: inout SeededGenerator) -> ActivityWindow {
        var intervals: [Int32] = []
        var elapsed = 0.0
        var keystrokes: Int64 = 1
        while elapsed < Double(windowMs) {
            for _ in 0..<rng.int(3...10) {
                let value = Swift.max(15, rng.logNormal(median: 75, cov: 0.4))
                elapsed += value
                keystrokes += 1
                intervals.append(Int32(value))
            }
            let pause = Double(rng.int(800...4000))
            elapsed += pause
            keystrokes += 1
            intervals.append(Int32(pause))
        }
        return ActivityWindow(
            atMs: 0, windowMs: windowMs, keystrokes: keystrokes, keystrokeIntervals: intervals,
            focusMs: windowMs - Int64(rng.int(0...1500)), filesModified: 1,
            linesAdded: Int64(rng.int(0...3)), linesDeleted: Int64(rng.int(0...3)))
    }
}
