import Foundation
import Testing

import CoachingCore
@testable import Persistence

struct WriterBatchTests {
    private let user = UUID().uuidString.lowercased()

    @Test("a session's end queued behind a periodic checkpoint of the same seq is kept, not dropped")
    func endedCheckpointWithEqualSeqSurvivesCoalescing() {
        let periodic = PersistenceFixtures.checkpoint(user: user, seq: 7)
        var ended = periodic
        ended.ended = true
        var batch = WriterBatch()
        batch.add(.checkpoint(periodic))
        batch.add(.checkpoint(ended))
        #expect(batch.checkpoints.count == 1)
        #expect(batch.checkpoints.first?.ended == true)
        #expect(batch.acks == [DurableAck(sessionId: periodic.sessionId, userId: user, seq: 7)])
    }

    @Test("a timer that closed a flow period at the same seq is kept, with the periods of both")
    func closedFlowPeriodWithEqualSeqSurvivesCoalescing() {
        let periodic = PersistenceFixtures.checkpoint(user: user, seq: 7, periods: [PersistenceFixtures.period(1_000)])
        var timer = PersistenceFixtures.checkpoint(
            session: periodic.sessionId, user: user, seq: 7, periods: [PersistenceFixtures.period(2_000_000)])
        timer.totals.flowPeriods = 2
        timer.totals.flowMs += 60_000
        var batch = WriterBatch()
        batch.add(.checkpoint(periodic))
        batch.add(.checkpoint(timer))
        #expect(batch.checkpoints.first?.totals == timer.totals)
        #expect(batch.checkpoints.first?.completedFlowPeriods.map(\.startMs) == [1_000, 2_000_000])
    }
}

extension WriterBatchTests {
    @Test("the seq guard decides every case of the shared table", arguments: SeqGuardCase.all)
    func seqGuardRule(_ guardCase: SeqGuardCase) {
        #expect(guardCase.later.supersedes(guardCase.stored) == guardCase.supersedes)
    }

    @Test("coalescing keeps the checkpoint the seq guard picks, for every case of the shared table",
          arguments: SeqGuardCase.all)
    func coalescingFollowsSeqGuard(_ guardCase: SeqGuardCase) {
        var batch = WriterBatch()
        batch.add(.checkpoint(guardCase.stored))
        batch.add(.checkpoint(guardCase.later))
        #expect(batch.checkpoints.count == 1)
        let kept = batch.checkpoints.first
        #expect(kept?.seq == guardCase.winner.seq && kept?.ended == guardCase.winner.ended)
        #expect(kept?.totals == guardCase.winner.totals && kept?.userId == SeqGuardCase.owner)
        #expect(batch.acks.map(\.seq) == [guardCase.winner.seq])
    }
}
