// swift-tools-version: 6.1
//
// Peer server for side-by-side load runs (scripts/bench-echo.sh): a Vapor 4 WebSocket echo
// at ws://127.0.0.1:PORT/echo. Not part of Flowcoach's build.
import PackageDescription

let package = Package(
    name: "vapor-echo",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor", exact: "4.122.3")
    ],
    targets: [
        .executableTarget(
            name: "VaporEcho",
            dependencies: [
                .product(name: "Vapor", package: "vapor")
            ]
        )
    ]
)
