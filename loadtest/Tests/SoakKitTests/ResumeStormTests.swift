import SoakKit
import Testing

struct ResumeStormTests {
    @Test("the loops' shares of one restart are one storm: lost and back summed, the last back wins")
    func sharesOfOneStorm() {
        let merged = ResumeStorm.merged([
            ResumeStorm(firstLostWallMs: 1_010, lastBackWallMs: 3_900, sessionsLost: 5_000, sessionsBack: 5_000),
            ResumeStorm(firstLostWallMs: 1_000, lastBackWallMs: 4_200, sessionsLost: 5_000, sessionsBack: 5_000),
        ])
        #expect(merged == [ResumeStorm(firstLostWallMs: 1_000, lastBackWallMs: 4_200, sessionsLost: 10_000, sessionsBack: 10_000)])
        #expect(merged.first?.secondsToAllBack == 3.2)
    }

    @Test("two restarts apart are two storms, in order")
    func separateStorms() {
        let merged = ResumeStorm.merged([
            ResumeStorm(firstLostWallMs: 50_000, lastBackWallMs: 52_000, sessionsLost: 200, sessionsBack: 200),
            ResumeStorm(firstLostWallMs: 10_000, lastBackWallMs: 12_500, sessionsLost: 200, sessionsBack: 200),
        ])
        #expect(merged.map(\.firstLostWallMs) == [10_000, 50_000])
        #expect(merged.map(\.secondsToAllBack) == [2.5, 2.0])
    }

    @Test("a share with sessions still out keeps its storm open: no time to all back")
    func unfinishedStorm() {
        let merged = ResumeStorm.merged([
            ResumeStorm(firstLostWallMs: 1_000, lastBackWallMs: 2_000, sessionsLost: 10, sessionsBack: 9),
            ResumeStorm(firstLostWallMs: 1_001, lastBackWallMs: 1_500, sessionsLost: 10, sessionsBack: 10),
            ResumeStorm(firstLostWallMs: 60_000, lastBackWallMs: nil, sessionsLost: 3, sessionsBack: 0),
        ])
        #expect(merged.count == 1, "a storm not over overlaps everything after its start")
        #expect(merged.first?.sessionsLost == 23)
        #expect(merged.first?.sessionsBack == 19)
        #expect(merged.first?.isOver == false)
        #expect(merged.first?.secondsToAllBack == nil)
    }
}
