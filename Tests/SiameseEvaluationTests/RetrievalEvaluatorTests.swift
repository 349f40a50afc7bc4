import Foundation
import Testing
@testable import SiameseCore
@testable import SiameseEvaluation

@Suite struct RetrievalEvaluatorTests {
    @Test func selfRetrievalOnSeparatedClassesIsPerfect() throws {
        let (e, labels) = EvaluatorTests.clusters()
        let result = try RetrievalEvaluator(labels: labels).evaluate(embeddings: e)
        #expect(result.primaryMetric == "meanAveragePrecisionAtR" && result.greaterIsBetter)
        for name in ["precisionAt1", "rPrecision", "meanAveragePrecisionAtR", "meanAveragePrecision", "meanReciprocalRank", "nmi", "ami"] {
            #expect(abs((result.metrics[name] ?? .nan) - 1) < 1e-12, "\(name)")
        }
        #expect(result.metrics["k"] == 2 && result.metrics["queries"] == 12)
    }

    @Test func splitLayoutEqualsTheCalculator() throws {
        let (e, labels) = EvaluatorTests.clusters(noise: 3, seed: 4)
        let queries = e.narrowed(axis: 0, start: 0, length: 5), references = e.narrowed(axis: 0, start: 5, length: 7)
        let evaluator = RetrievalEvaluator(queryLabels: Array(labels[0..<5]), referenceLabels: Array(labels[5...]))
        let direct = try AccuracyCalculator(k: .maxBinCount).accuracy(query: queries, queryLabels: Array(labels[0..<5]),
                                                                       reference: references, referenceLabels: Array(labels[5...]))
        #expect(try evaluator.evaluate(embeddings: e).metrics == direct.flat)
    }

    @Test func wrongRowCountIsAnError() {
        #expect(throws: EvaluationError.self) {
            try RetrievalEvaluator(labels: [0, 1, 1]).evaluate(embeddings: Tensor([0, 0, 1, 1], shape: [2, 2]))
        }
    }
}
