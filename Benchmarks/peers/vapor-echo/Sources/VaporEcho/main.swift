// Vapor 4 WebSocket echo server for benchmarks: `VaporEcho PORT`.
// Echoes every text and binary message on /echo, on 127.0.0.1 only, with Vapor's defaults
// (event-loop callbacks, the usual way to write a Vapor echo) except logging: warnings
// only, so 10,000 upgrades do not log 10,000 lines.
import Foundation
import Vapor

let arguments = CommandLine.arguments
guard arguments.count == 2, let port = Int(arguments[1]), (1...65535).contains(port) else {
    print("usage: VaporEcho PORT")
    exit(2)
}

// Our own arguments are not Vapor commands: hand Vapor only the program name, so
// `execute()` runs its default `serve` with the configuration below.
let environment = Environment(name: "production", arguments: [arguments[0]])
var logger = Logger(label: "vapor-echo")
logger.logLevel = .warning
let app = try await Application.make(environment, logger: logger)
app.logger.logLevel = .warning
app.http.server.configuration.hostname = "127.0.0.1"
app.http.server.configuration.port = port

app.get("healthz") { _ in "ok" }
app.webSocket("echo") { _, ws in
    ws.onText { ws, text in
        ws.send(text)
    }
    ws.onBinary { ws, buffer in
        ws.send(buffer.readableBytesView)
    }
}

do {
    try await app.execute()
} catch {
    app.logger.report(error: error)
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
