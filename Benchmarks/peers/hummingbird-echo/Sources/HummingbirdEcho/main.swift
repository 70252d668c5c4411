// Hummingbird 2 WebSocket echo server for benchmarks: `HummingbirdEcho PORT`.
// Echoes every text and binary message on /echo, on 127.0.0.1 only, with the library's
// defaults except logging (warnings only, so 10,000 upgrades do not log 10,000 lines).
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

let arguments = CommandLine.arguments
guard arguments.count == 2, let port = Int(arguments[1]), (1...65535).contains(port) else {
    print("usage: HummingbirdEcho PORT")
    exit(2)
}

var logger = Logger(label: "hummingbird-echo")
logger.logLevel = .warning

let router = Router()
router.get("healthz") { _, _ -> String in "ok" }

let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
webSocketRouter.ws("/echo") { _, _ in
    .upgrade()
} onUpgrade: { inbound, outbound, _ in
    // Whole messages (any fragmentation), echoed with their type.
    for try await message in inbound.messages(maxSize: 16 << 20) {
        switch message {
        case .text(let text):
            try await outbound.write(.text(text))
        case .binary(let buffer):
            try await outbound.write(.binary(buffer))
        }
    }
}

let app = Application(
    router: router,
    server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter),
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "hummingbird-echo"),
    logger: logger
)
try await app.runService()
