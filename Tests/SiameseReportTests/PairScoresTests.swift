import SiameseEvaluation
import Testing
@testable import SiameseReport

@Suite struct PairScoresTests {
    @Test func mistakesListEachPairOfItemsOnce() {
        // Items 0 and 1 differ in class but look alike, drawn three times (twice reversed); 2 and 3 once.
        let pairs: [PairScores.Pair] = [.init(first: 0, second: 1, same: false), .init(first: 1, second: 0, same: false),
                                        .init(first: 0, second: 1, same: false), .init(first: 2, second: 3, same: false),
                                        .init(first: 4, second: 5, same: true), .init(first: 6, second: 7, same: true)]
        let v = PairScores(pairs: pairs, scores: [0.1, 0.1, 0.1, 0.2, 0.05, 0.9], greaterIsCloser: false,
                           threshold: CalibratedThreshold(value: 0.5, falseAcceptRate: 0, falseRejectRate: 0, rule: "test", pairs: 6),
                           description: "test")
        #expect(v.hardestFalseAccepts(5) == [0, 3])
        #expect(v.hardestFalseRejects(5) == [5])
        // Right: only the close same-class pair (accepted); four different-class pairs accepted, one same-class refused.
        #expect(abs(v.accuracy(at: v.threshold!) - 1.0 / 6) < 1e-12)
        let r = v.rates(at: v.threshold!)
        #expect(r.falseAccept == 1 && r.falseReject == 0.5)
    }
}
