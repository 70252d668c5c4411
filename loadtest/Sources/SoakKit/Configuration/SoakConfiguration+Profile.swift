import WireJSON

/// Profiles: `config/soak/NAME.json`, a JSON object whose keys are the snake_case setting
/// names below. Unknown keys are refused, so a typo cannot silently leave a default in place.
extension SoakConfiguration {
    /// Keys a profile may set (and `description`, which is ignored).
    public static let profileKeys: [String] = [
        "description", "url", "users", "sessions_per_user", "dashboards", "channels", "interval_ms",
        "window_ms", "pipeline", "max_rate_per_connection", "session_windows", "duration_s", "messages", "ramp_per_s", "churn_per_s",
        "source_addresses", "threads", "compression", "ca_file", "expect_restarts", "jitter", "route_key",
        "answer_timeout_ms", "drain_timeout_ms", "seed", "allow_remote",
    ]

    /// Applies the settings of a profile document over the current values.
    public mutating func apply(profile bytes: [UInt8], name: String) throws(ConfigurationError) {
        var parser = JSONParser()
        do {
            let object = try bytes.withUnsafeBytes { raw throws(JSONError) in try parser.parseObject(raw) }
            for (key, value) in object {
                try apply(key.makeString(), value, profile: name)
            }
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError("profile \(name): \(error)")
        }
    }

    private mutating func apply(_ key: String, _ value: JSONValue, profile: String) throws {
        func int() throws -> Int { Int(try value.int64()) }
        switch key {
        case "description": _ = try value.string()
        case "url": url = try value.ownedString()
        case "users": users = try int()
        case "sessions_per_user": sessionsPerUser = try int()
        case "dashboards": dashboards = try int()
        case "channels": channels = try value.array().map { try $0.ownedString() }
        case "interval_ms": intervalMs = try int()
        case "window_ms": windowMs = try int()
        case "pipeline": pipeline = try int()
        case "max_rate_per_connection": maxRatePerConnection = try value.double()
        case "session_windows": sessionWindows = try int()
        case "duration_s": durationSeconds = try value.double()
        case "messages": messages = try int()
        case "ramp_per_s": rampPerSecond = try value.double()
        case "churn_per_s": churnPerSecond = try value.double()
        case "source_addresses": sourceAddresses = try int()
        case "threads": threads = try int()
        case "compression": compression = try value.bool()
        case "ca_file": caFile = value.isNull ? nil : try value.ownedString()
        case "expect_restarts": expectRestarts = try int()
        case "jitter": jitter.enabled = try value.bool()
        case "route_key": routeKey = try value.bool()
        case "answer_timeout_ms": answerTimeoutMs = try int()
        case "drain_timeout_ms": drainTimeoutMs = try int()
        case "seed": seed = UInt64(bitPattern: try value.int64())
        case "allow_remote": allowRemoteHost = value.isNull ? nil : try value.ownedString()
        default:
            throw ConfigurationError("profile \(profile): unknown key \"\(key)\" (known: \(Self.profileKeys.joined(separator: ", ")))")
        }
    }

    /// Where `--profile NAME` is looked for: `config/soak/NAME.json` under the working
    /// directory, then in the executable's ancestors one to five levels up (the repository
    /// is two levels above `.build/<config>/flowcoach-soak`).
    public static func profileCandidates(name: String, workingDirectory: String, executablePath: String) -> [String] {
        if name.contains("/") || name.hasSuffix(".json") { return [name] }
        var candidates = ["\(workingDirectory)/config/soak/\(name).json"]
        var directory = Substring(executablePath)
        for _ in 0..<5 {
            guard let slash = directory.lastIndex(of: "/") else { break }
            directory = directory[..<slash]
            if directory.isEmpty { break }
            candidates.append("\(directory)/config/soak/\(name).json")
        }
        return candidates
    }
}
