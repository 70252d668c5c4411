// swift-tools-version: 6.1
import PackageDescription

/// Shared settings: Swift 6 language mode (strict concurrency) plus the upcoming features
/// recommended in STYLE.md.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug)),
]

let package = Package(
    name: "flowcoach",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowcoach", targets: ["flowcoach"]),
        .executable(name: "flowcoach-soak", targets: ["flowcoach-soak"]),
        .library(name: "WSProtocol", targets: ["WSProtocol"]),
        .library(name: "FlowEngine", targets: ["FlowEngine"]),
        .library(name: "WireJSON", targets: ["WireJSON"]),
        .library(name: "LoopKit", targets: ["LoopKit"]),
        .library(name: "CoachingCore", targets: ["CoachingCore"]),
        .library(name: "Persistence", targets: ["Persistence"]),
        .library(name: "RealtimeServer", targets: ["RealtimeServer"]),
    ],
    dependencies: [
        // Command line of `flowcoach` (serve/replay/admin subcommands).
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Structured logging (the server-side Swift standard).
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // File + environment + flag configuration with one precedence order.
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        // HDR latency histograms for the soak client's percentiles.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // System libraries: module maps only.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLinux"),

        // Pure cores: no sockets, clocks, threads or Foundation.
        .target(name: "WSProtocol", dependencies: ["CZlib"], swiftSettings: strictSettings),
        .target(name: "FlowEngine", swiftSettings: strictSettings),
        .target(name: "WireJSON", swiftSettings: strictSettings),
        // Labelled corpus generator and evaluator of the flow detector (pure, like FlowEngine).
        .target(name: "FlowEvaluation", dependencies: ["FlowEngine"], swiftSettings: strictSettings),

        // Event-loop plumbing shared by the server and the soak client: epoll, threads,
        // mailbox, clocks, system calls, TLS over memory BIOs. WSProtocol only for ByteWriter.
        .target(name: "LoopKit", dependencies: ["WSProtocol", "COpenSSL", "CLinux"], swiftSettings: strictSettings),

        // The pure coaching core: the application codec, sessions and the sequence contract,
        // users, channels, leaderboard books and `stats:me`, one CoachingShard per loop; and
        // the Store port it needs. No sockets, clocks or threads. WSProtocol only to frame a
        // channel event once for every subscriber.
        .target(name: "CoachingCore", dependencies: ["FlowEngine", "WireJSON", "WSProtocol"], swiftSettings: strictSettings),

        // The stores (SQLite, PostgreSQL), the asynchronous writer with its spill journal,
        // and accounts (token digests through OpenSSL).
        .target(
            name: "Persistence",
            dependencies: ["CoachingCore", "FlowEngine", "WireJSON", "CSQLite", "CLibPQ", "COpenSSL", "CLinux"],
            swiftSettings: strictSettings
        ),

        // The I/O shell.
        .target(
            name: "RealtimeServer",
            dependencies: [
                "LoopKit", "WSProtocol", "FlowEngine", "WireJSON", "CoachingCore", "Persistence", "COpenSSL", "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            // The dashboard page and the JavaScript client it inlines (a link to clients/js),
            // compiled into the binary: the server ships as one file.
            resources: [.embedInCode("Dashboard/dashboard.html"), .embedInCode("Dashboard/flowcoach.js")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "flowcoach",
            dependencies: [
                "RealtimeServer", "CoachingCore", "Persistence", "FlowEngine", "FlowEvaluation", "WireJSON", "LoopKit", "CLinux",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // The bundled soak client (loadtest/): a testable library and its executable.
        .target(
            name: "SoakKit",
            dependencies: [
                "LoopKit", "WSProtocol", "WireJSON", "COpenSSL", "CLinux",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "loadtest/Sources/SoakKit",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "flowcoach-soak",
            dependencies: ["SoakKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "loadtest/Sources/flowcoach-soak",
            swiftSettings: strictSettings
        ),

        // Helpers shared by the test targets (seeded generator); never linked into products.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSettings),
        // A throwaway SQLite database for the persistence and server tests.
        .target(
            name: "PersistenceTestSupport", dependencies: ["Persistence"], path: "Tests/PersistenceTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "WSProtocolTests", dependencies: ["WSProtocol", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(name: "FlowEngineTests", dependencies: ["FlowEngine", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "FlowEvaluationTests", dependencies: ["FlowEvaluation", "FlowEngine", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "WireJSONTests", dependencies: ["WireJSON", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "RealtimeServerTests",
            dependencies: [
                "RealtimeServer", "LoopKit", "CoachingCore", "Persistence", "WSProtocol", "FlowEngine", "WireJSON", "COpenSSL", "CLinux",
                "TestSupport", "PersistenceTestSupport", "CoachingTestSupport",
            ],
            swiftSettings: strictSettings
        ),
        // The zero-allocation check of the hot path (scripts/check-allocations.sh): a release
        // executable over the pure modules only, so CI builds it in a fraction of the package.
        .executableTarget(
            name: "flowcoach-alloc-check", dependencies: ["CoachingCore", "FlowEngine", "WSProtocol", "LoopKit", "COpenSSL"],
            path: "Tests/AllocationCheck",
            swiftSettings: strictSettings
        ),
        // Fixtures of the coaching core shared by its tests and the server's.
        .target(name: "CoachingTestSupport", dependencies: ["CoachingCore"], path: "Tests/CoachingTestSupport", swiftSettings: strictSettings),
        .testTarget(
            name: "CoachingCoreTests",
            dependencies: ["CoachingCore", "FlowEngine", "WireJSON", "WSProtocol", "TestSupport", "CoachingTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "PersistenceTests",
            dependencies: ["Persistence", "CoachingCore", "FlowEngine", "WireJSON", "PersistenceTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SoakKitTests", dependencies: ["SoakKit", "TestSupport"], path: "loadtest/Tests/SoakKitTests",
            swiftSettings: strictSettings
        ),
    ]
)
