import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseData
@testable import SiameseEvaluation

@Suite struct EvaluatorTests {
    /// Four classes on the corners of a square, three noisy points each: an easy problem with known answers.
    static func clusters(noise: Float = 0.05, seed: UInt64 = 1) -> (Tensor, [Int]) {
        var g = SeededGenerator(seed: seed)
        let centres: [[Float]] = [[0, 0], [4, 0], [0, 4], [4, 4]]
        var rows: [Float] = [], labels: [Int] = []
        for (c, centre) in centres.enumerated() {
            for _ in 0..<3 {
                rows += centre.map { $0 + Float.random(in: -noise...noise, using: &g) }
                labels.append(c)
            }
        }
        return (Tensor(rows, shape: [labels.count, 2]), labels)
    }

    @Test func verificationEvaluatorAgreesWithTheMetrics() throws {
        let (e, labels) = Self.clusters(noise: 3)
        let evaluator = try VerificationEvaluator(labels: labels, pairs: 40, seed: 2)
        let result = try evaluator.evaluate(embeddings: e)
        let distances = evaluator.scores(e), same = evaluator.pairs.map { $0.same ? 1 : 0 }
        let m = try VerificationMetrics.fromDistances(labels: same, distances: distances)
        #expect(result.primaryMetric == "rocAUC" && result.greaterIsBetter && result.primaryValue == m.rocAUC)
        #expect(result.metrics["equalErrorRate"] == m.equalErrorRate && result.metrics["averagePrecision"] == m.averagePrecision)
        // The default threshold is chosen on the first half and scored on the second.
        let half = Array(same[..<20]), halfDistances = Array(distances[..<20])
        let chosen = try ThresholdCalibration.bestAccuracy(labels: half, scores: halfDistances, greaterIsCloser: false)
        #expect(result.thresholds.first == chosen && result.thresholds.count == 3)
        let correct = zip(distances[20...], same[20...]).filter { ($0 <= chosen.value) == ($1 == 1) }.count
        #expect(result.metrics["accuracy"] == Double(correct) / 20)
        #expect(result.isBetter(than: nil))
    }

    @Test func verificationWithASimilarityAcceptsAboveTheThreshold() throws {
        let (e, labels) = Self.clusters()
        let result = try VerificationEvaluator(labels: labels, pairs: 40, seed: 3, distance: DotProductSimilarity(normalizeEmbeddings: false))
            .evaluate(embeddings: e + 1)
        #expect(result.thresholds.allSatisfy { $0.rule.isEmpty == false })
        let (e2, _) = Self.clusters()
        let cosine = try VerificationEvaluator(labels: labels, pairs: 40, seed: 3, distance: CosineSimilarity()).evaluate(embeddings: e2 + 1)
        #expect(cosine.metrics["rocAUC"]! > 0.5)
        #expect(result.metrics["rocAUC"]!.isFinite)
    }

    @Test func fewShotEvaluatorOnSeparableClasses() throws {
        let (e, labels) = Self.clusters()
        for distance in [LpDistance(normalizeEmbeddings: false), CosineSimilarity()] as [any Distance] {
            let evaluator = try FewShotEvaluator(labels: labels, ways: 20, shots: 1, episodes: 50, seed: 4, distance: distance)
            #expect(evaluator.ways == 4)   // capped at the classes with two items
            // Centred on the origin, the four classes differ in angle as well as in position.
            let result = try evaluator.evaluate(embeddings: e - 2)
            #expect(result.primaryValue == 1 && result.metrics["queries"] == 200, "\(distance)")
        }
        // Nearest support wins: a query placed next to another class's support is wrong.
        let episodes = [EpisodicSampler.Episode(support: [0, 1], supportClasses: [0, 1], query: [2], queryClasses: [0])]
        let wrong = FewShotEvaluator(episodes: episodes, itemCount: 3, ways: 2, shots: 1)
        #expect(try wrong.evaluate(embeddings: Tensor([[0, 0], [5, 5], [4, 4]])).primaryValue == 0)
        #expect(try wrong.evaluate(embeddings: Tensor([[0, 0], [5, 5], [1, 1]])).primaryValue == 1)
    }

    @Test func badEmbeddingsAreTypedErrors() throws {
        let (e, labels) = Self.clusters()
        let evaluator = try FewShotEvaluator(labels: labels, ways: 2, episodes: 3, seed: 1)
        #expect(throws: EvaluationError.self) { try evaluator.evaluate(embeddings: e.narrowed(axis: 0, start: 0, length: 5)) }
        var values = e.scalars
        values[7] = .nan
        #expect(throws: EvaluationError.nonFiniteScore(index: 3)) { try evaluator.evaluate(embeddings: Tensor(values, shape: e.shape)) }
        #expect(throws: EvaluationError.empty) { try FewShotEvaluator(labels: [0, 0, 1], ways: 5, seed: 1) }
    }
}
