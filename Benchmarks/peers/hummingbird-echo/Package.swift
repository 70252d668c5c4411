// swift-tools-version: 6.2
//
// Peer server for side-by-side load runs (scripts/bench-echo.sh): a Hummingbird 2 +
// HummingbirdWebSocket echo at ws://127.0.0.1:PORT/echo. Not part of Flowcoach's build.
import PackageDescription

let package = Package(
    name: "hummingbird-echo",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", exact: "2.8.1"),
    ],
    targets: [
        .executableTarget(
            name: "HummingbirdEcho",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ]
        )
    ]
)
