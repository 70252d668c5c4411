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
        // HDR latency histograms for the soak client's percentiles (issue 7 names it).
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
        // The pure coaching core. For now it holds the Store port (Store/): the protocol and
        // the values it speaks, so the core never sees a database.
        .target(name: "CoachingCore", dependencies: ["FlowEngine", "WireJSON"], swiftSettings: strictSettings),

        // The stores (SQLite, PostgreSQL), the asynchronous writer with its spill journal,
        // and accounts (token digests through OpenSSL).
        .target(
            name: "Persistence",
            dependencies: ["CoachingCore", "FlowEngine", "WireJSON", "CSQLite", "CLibPQ", "COpenSSL"],
            swiftSettings: strictSettings
        ),

        // The I/O shell.
        .target(
            name: "RealtimeServer",
            dependencies: [
                "WSProtocol", "FlowEngine", "WireJSON", "CoachingCore", "Persistence", "COpenSSL", "CLinux",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            // The dashboard's source page; DashboardPage.swift embeds it (scripts/embed-dashboard.sh).
            exclude: ["Dashboard/dashboard.html"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "flowcoach",
            dependencies: [
                "RealtimeServer", "CoachingCore", "Persistence", "FlowEngine", "WireJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // The bundled soak client (loadtest/): a testable library and its executable.
        .target(
            name: "SoakKit",
            dependencies: [
                "WSProtocol", "WireJSON", "COpenSSL", "CLinux",
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
        .testTarget(name: "WireJSONTests", dependencies: ["WireJSON", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "RealtimeServerTests",
            dependencies: [
                "RealtimeServer", "CoachingCore", "Persistence", "WSProtocol", "FlowEngine", "WireJSON", "COpenSSL", "CLinux",
                "TestSupport", "PersistenceTestSupport",
            ],
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
