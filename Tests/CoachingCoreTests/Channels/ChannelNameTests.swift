import Testing

@testable import CoachingCore

/// PROTOCOL.md "Channels": every channel name parses to what it says, formats back to the
/// same text, and every malformed name gets a precise error.
struct ChannelNameTests {
    @Test("every documented channel parses and formats back to the same text", arguments: [
        ("stats:me", ChannelName.statsMe),
        ("leaderboard:day:coding_time", .leaderboard(LeaderboardChannel(period: .day, metric: .codingTime))),
        ("leaderboard:week:flow_time", .leaderboard(LeaderboardChannel(period: .week, metric: .flowTime))),
        ("leaderboard:month:coding_time", .leaderboard(LeaderboardChannel(period: .month, metric: .codingTime))),
        ("leaderboard:day:flow_time:lang:swift", .leaderboard(LeaderboardChannel(period: .day, metric: .flowTime, language: "swift"))),
        ("leaderboard:month:coding_time:lang:c++", .leaderboard(LeaderboardChannel(period: .month, metric: .codingTime, language: "c++"))),
        ("team:3f2a9c1e-0b7d-4c3e-9a51-2d6f8e4b7c10", .team(id: "3f2a9c1e-0b7d-4c3e-9a51-2d6f8e4b7c10")),
    ])
    func roundTrip(text: String, expected: ChannelName) throws {
        let parsed = try ChannelName(parsing: text)
        #expect(parsed == expected)
        #expect(parsed.description == text)
    }

    @Test("a language is canonicalized to lowercase so channel and editor meet in one key")
    func languageCase() throws {
        let parsed = try ChannelName(parsing: "leaderboard:week:coding_time:lang:Swift")
        #expect(parsed == .leaderboard(LeaderboardChannel(period: .week, metric: .codingTime, language: "swift")))
        #expect(parsed.description == "leaderboard:week:coding_time:lang:swift")
    }

    @Test("malformed names are refused with the error that names what is wrong", arguments: [
        ("", ChannelNameError.empty),
        (String(repeating: "a", count: 129), .tooLong(limit: 128)),
        ("news", .unknownChannel("news")),
        ("stats:you", .unknownChannel("stats:you")),
        ("stats:me:now", .unknownChannel("stats:me:now")),
        ("Stats:me", .unknownChannel("Stats:me")),
        ("leaderboard:year:coding_time", .unknownPeriod("year")),
        ("leaderboard:day:keystrokes", .unknownMetric("keystrokes")),
        ("leaderboard:day", .malformed("leaderboard:day")),
        ("leaderboard:day:flow_time:", .malformed("leaderboard:day:flow_time:")),
        ("leaderboard:day:flow_time:language:swift", .malformed("leaderboard:day:flow_time:language:swift")),
        ("leaderboard:day:flow_time:lang:", .invalidLanguage("")),
        ("leaderboard:day:flow_time:lang:sw ift", .invalidLanguage("sw ift")),
        ("leaderboard:day:flow_time:lang:" + String(repeating: "x", count: 33), .invalidLanguage(String(repeating: "x", count: 33))),
        ("team:", .invalidTeamId("")),
        ("team:a/b", .invalidTeamId("a/b")),
        ("team:a:b", .malformed("team:a:b")),
    ])
    func refusals(text: String, expected: ChannelNameError) {
        #expect(throws: expected) { try ChannelName(parsing: text) }
    }

    @Test("every parse error maps to invalid_field with a message naming the channel field")
    func errorMessages() {
        let errors: [ChannelNameError] = [
            .empty, .tooLong(limit: 128), .unknownChannel("x"), .unknownPeriod("year"), .unknownMetric("m"),
            .invalidLanguage("?"), .invalidTeamId("?"), .malformed("x"),
        ]
        for error in errors {
            #expect(error.code == "invalid_field")
            #expect(error.message.hasPrefix("channel: "))
        }
        #expect(ChannelNameError.unknownChannel("foo").message.contains("unknown channel 'foo'"))
        #expect(ChannelNameError.unknownPeriod("year").message.contains("day, week or month"))
    }

    @Test("stats:me resolves to a per-user key, shared channels to one key for everyone")
    func keys() throws {
        #expect(ChannelName.statsMe.key(forUser: "u1") == .userStats(userId: "u1"))
        #expect(ChannelName.statsMe.key(forUser: "u1") != ChannelName.statsMe.key(forUser: "u2"))
        #expect(ChannelName.statsMe.key(forUser: "u1").wireName == "stats:me")
        let board = try ChannelName(parsing: "leaderboard:day:flow_time")
        #expect(board.key(forUser: "u1") == board.key(forUser: "u2"))
        #expect(board.key(forUser: "u1").wireName == "leaderboard:day:flow_time")
    }

    @Test("language canonicalization keeps symbols editors use and refuses everything else")
    func canonicalLanguage() {
        #expect(LeaderboardChannel.canonicalLanguage("C#") == "c#")
        #expect(LeaderboardChannel.canonicalLanguage("Objective-C") == "objective-c")
        #expect(LeaderboardChannel.canonicalLanguage("vue.js") == "vue.js")
        #expect(LeaderboardChannel.canonicalLanguage("") == nil)
        #expect(LeaderboardChannel.canonicalLanguage("a:b") == nil)
        #expect(LeaderboardChannel.canonicalLanguage("ü") == nil)
        // The length bound is in bytes: 32 pass, 33 do not; a long (heap) name is read as
        // a small one is.
        #expect(LeaderboardChannel.canonicalLanguage(String(repeating: "A", count: 32)) == String(repeating: "a", count: 32))
        #expect(LeaderboardChannel.canonicalLanguage(String(repeating: "a", count: 33)) == nil)
        #expect(LeaderboardChannel.canonicalLanguage("typescript-" + String(repeating: "x", count: 20) + "?") == nil)
    }
}
