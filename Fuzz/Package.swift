// swift-tools-version: 6.1
import PackageDescription

/// The libFuzzer harnesses, one executable per parser of untrusted bytes. A package of their
/// own so they import the root package's library products by name (a module moving between
/// folders or targets changes one import, not a hand-kept list of source files), and so the
/// root package's `swift build`/`swift test` never compile them. Build and run with
/// `scripts/fuzz.sh TARGET [RUNS]`; the sanitizer flags come from there.
let harnessSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Each harness lives in Fuzz/<name>/ beside its seed corpus and dictionary, which are data
/// for libFuzzer, not sources or resources of the target.
func harness(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: "\(name)Fuzz", dependencies: dependencies, path: name,
        exclude: ["corpus", "\(name).dict"], swiftSettings: harnessSettings
    )
}

let package = Package(
    name: "flowcoach-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "flowcoach", path: "..")],
    targets: [
        harness("FrameDecoder", [.product(name: "WSProtocol", package: "flowcoach")]),
        harness("HTTPRequestParser", [.product(name: "WSProtocol", package: "flowcoach")]),
        harness("Inflater", [.product(name: "WSProtocol", package: "flowcoach")]),
        harness("WireJSON", [.product(name: "WireJSON", package: "flowcoach")]),
        // Differential: the `activity` fast path against the general path on the same bytes.
        harness("ActivityFastPath", [
            .product(name: "CoachingCore", package: "flowcoach"),
            .product(name: "FlowEngine", package: "flowcoach"),
            .product(name: "WireJSON", package: "flowcoach"),
        ]),
        // TLS 1.3 records after the handshake, through the session's public methods; the
        // record layer's fuzzing SPI makes the session and seals the fuzzer's records.
        harness("TLSRecords", [
            .product(name: "LoopKit", package: "flowcoach"),
            .product(name: "WSProtocol", package: "flowcoach"),
        ]),
        harness("InboundMessage", [
            // The library holding InboundDecoder/OutboundEncoder (main.swift imports
            // CoachingCore when it exists, RealtimeServer otherwise).
            .product(name: "CoachingCore", package: "flowcoach"),
            .product(name: "FlowEngine", package: "flowcoach"),
            .product(name: "WireJSON", package: "flowcoach"),
        ]),
    ]
)
