import Testing
@testable import SiameseEvaluation

@Suite struct FewShotAccuracyTests {
    @Test func nearestSupportWins() throws {
        // Trial 1: class 2 is nearest (right); trial 2: class 0 nearest but the answer is 1 (wrong).
        let r = try FewShotAccuracy(distances: [[0.9, 0.5, 0.1], [0.2, 0.3, 0.9]], supportClasses: [[0, 1, 2], [0, 1, 2]], answers: [2, 1])
        #expect(r.accuracy == 0.5 && r.trials == 2)
        // K-shot: mean distance per class decides (class 0 mean 0.45 beats class 1 mean 0.5).
        let k = try FewShotAccuracy(distances: [[0.1, 0.8, 0.5, 0.5]], supportClasses: [[0, 0, 1, 1]], answers: [0])
        #expect(k.accuracy == 1)
    }

    @Test func wilsonIntervalMatchesTheFormula() {
        // 340 of 400 correct: Wilson 95 % interval [0.811686, 0.881655] (computed from the closed form in Python).
        let ci = FewShotAccuracy.wilson(successes: 340, trials: 400, z: 1.959963984540054)
        #expect(Swift.abs(ci.lowerBound - 0.8116864) < 1e-6 && Swift.abs(ci.upperBound - 0.8816550) < 1e-6)
        #expect(FewShotAccuracy.wilson(successes: 0, trials: 10, z: 1.96).lowerBound == 0)
    }

    @Test func badInput() {
        #expect(throws: EvaluationError.empty) { try FewShotAccuracy(distances: [], supportClasses: [], answers: []) }
        #expect(throws: EvaluationError.nonFiniteScore(index: 1)) {
            try FewShotAccuracy(distances: [[0, .nan]], supportClasses: [[0, 1]], answers: [0])
        }
    }
}
