// swift-tools-version: 6.1
//
// Micro-benchmarks of Flowcoach's hot paths (ordo-one/benchmark).
//
// A separate package so that the root build and CI never resolve or compile the benchmark
// framework. It depends on the root package by path and builds only the pure targets it
// benchmarks. Run from this directory (see docs/BENCHMARKS.md and scripts/bench-micro.sh):
//
//     swift package --disable-sandbox benchmark
//
// The plugin always builds the benchmark executables in release. This package has its own
// `.build/` (Benchmarks/.build), so it never touches the root package's `.build/`.
import PackageDescription

/// The root package: `..`, or the directory in `FLOWCOACH_ROOT` (e.g. a `git worktree` of
/// the last commit, to benchmark a fixed tree while others edit `Sources/`; this package's
/// `.build/` stays where it is, so only the root's modules are rebuilt).
let rootPackagePath = Context.environment["FLOWCOACH_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? ".."

/// SwiftPM names a path dependency after the last component of its directory (lowercased),
/// not after its manifest's `name:`. The checkout directory of the root package varies
/// (`main`, `flowcoach`, a CI workspace), so derive the identity instead of hard-coding it.
let rootPackageIdentity: String = {
    let directory = rootPackagePath == ".." ? Context.packageDirectory.split(separator: "/").dropLast().last
        : rootPackagePath.split(separator: "/").last
    return (directory.map(String.init) ?? "flowcoach").lowercased()
}()

/// Same language settings as the root package, minus `-warnings-as-errors`: the benchmark
/// plugin generates boilerplate we do not control.
let benchmarkSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "FlowcoachBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The malloc interposer gives the malloc counters (steady-state paths must show 0).
        // Naming the trait also keeps the default "RuntimeInterposer" trait (and its extra
        // dependency, absent from our package mirror) out of the build.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(path: rootPackagePath),
    ],
    targets: []
)

/// One benchmark executable per pure target, in the plugin's layout:
/// `Benchmarks/<Name>/<Name>.swift`.
func benchmarkTarget(_ name: String, testing products: String...) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")]
            + products.map { .product(name: $0, package: rootPackageIdentity) },
        path: "Benchmarks/\(name)",
        swiftSettings: benchmarkSettings,
        plugins: [
            .plugin(name: "BenchmarkPlugin", package: "benchmark")
        ]
    )
}

package.targets += [
    // Frame decode/unmask, encoder, handshake (RFC 6455 core).
    benchmarkTarget("WSProtocolBenchmarks", testing: "WSProtocol"),
    // Flow detection per event, aggregates.
    benchmarkTarget("FlowEngineBenchmarks", testing: "FlowEngine"),
    // Wire JSON encode/decode (Foundation's JSONEncoder/JSONDecoder allowed there as a baseline).
    benchmarkTarget("WireJSONBenchmarks", testing: "WireJSON"),
    // The coaching service's hot path through CoachingCore's public API: activity round
    // trip (CoachingShard.receivedText → perform(.send) → frame), its steps, OutboundEncoder,
    // channel fan-out to 10,000 subscribers.
    benchmarkTarget("CoachingBenchmarks", testing: "CoachingCore", "FlowEngine", "WireJSON", "WSProtocol"),
]

/// Throughput runs: plain release executables outside `Benchmarks/` (so the benchmark
/// plugin does not pick them up); one run is a whole workload, not a micro-benchmark.
///
///     swift build -c release --product WriterThroughput && .build/release/WriterThroughput --help
package.targets += [
    // PersistenceWriter → SQLiteStore: checkpoints/s until every onDurable ack arrived.
    .executableTarget(
        name: "WriterThroughput",
        dependencies: [
            .product(name: "CoachingCore", package: rootPackageIdentity),
            .product(name: "Persistence", package: rootPackageIdentity),
        ],
        path: "Throughput/WriterThroughput",
        swiftSettings: benchmarkSettings
    ),
]
package.targets += [
    // The coaching round trip without a benchmark framework around it, for callgrind's
    // instruction counts (docs/BENCHMARKS.md "Instructions per coaching round trip").
    .executableTarget(
        name: "RoundTripCount",
        dependencies: [
            .product(name: "CoachingCore", package: rootPackageIdentity),
            .product(name: "WSProtocol", package: rootPackageIdentity),
        ],
        path: "Throughput/RoundTripCount",
        swiftSettings: benchmarkSettings
    ),
]
package.targets += [
    // Server-side instructions and mallocs per TLS round trip (LoopKit's TLSSession), for
    // callgrind (docs/BENCHMARKS.md "TLS over the coaching workload"). OpenSSL through a
    // module map of its own: the root's COpenSSL is not a product.
    .systemLibrary(name: "CBenchOpenSSL", path: "Throughput/CBenchOpenSSL", pkgConfig: "openssl"),
    .executableTarget(
        name: "TLSRoundTripCount",
        dependencies: [
            "CBenchOpenSSL",
            .product(name: "LoopKit", package: rootPackageIdentity),
            .product(name: "WSProtocol", package: rootPackageIdentity),
        ],
        path: "Throughput/TLSRoundTripCount",
        swiftSettings: benchmarkSettings
    ),
]
package.targets += [
    // The leaderboard owner's instructions and mallocs per score delta, for callgrind
    // (docs/BENCHMARKS.md "Leaderboard owner: instructions per score delta").
    .executableTarget(
        name: "ScoreDeltaCount",
        dependencies: [.product(name: "CoachingCore", package: rootPackageIdentity)],
        path: "Throughput/ScoreDeltaCount",
        swiftSettings: benchmarkSettings
    ),
]
package.targets += [
    // A paced echo client (C connections, each at a fixed rate): what an unsaturated server
    // pays per message, for comparing the coaching workload with a bare echo at the same
    // concurrency and rate (docs/BENCHMARKS.md, "Target 3 at equal rates").
    .executableTarget(
        name: "PacedEcho",
        dependencies: [.product(name: "LoopKit", package: rootPackageIdentity)],
        path: "Throughput/PacedEcho",
        swiftSettings: benchmarkSettings
    ),
]
package.products += [
    .executable(name: "PacedEcho", targets: ["PacedEcho"]),
    .executable(name: "ScoreDeltaCount", targets: ["ScoreDeltaCount"]),
    .executable(name: "WriterThroughput", targets: ["WriterThroughput"]),
    .executable(name: "TLSRoundTripCount", targets: ["TLSRoundTripCount"]),
    .executable(name: "RoundTripCount", targets: ["RoundTripCount"]),
]
