import Foundation
import SiameseEvaluation
import SiameseTestSupport
import Testing

/// SiameseEvaluation's PrecisionRecallCurve (which the report draws) against scikit-learn's precision_recall_curve
/// on 1,000 seeded scores (Fixtures/precision_recall_reference.json, written by the script beside it).
@Suite struct PrecisionRecallCurveTests {
    struct Reference: Decodable { let precision: [Double]; let recall: [Double]; let thresholds: [Double]; let average_precision: Double }
    /// The labels and scores of the shared metrics fixture (Tests/SiameseTestSupport/Fixtures/metrics_reference.json).
    struct Source: Decodable { let labels: [Int]; let scores: [Double] }

    @Test func matchesScikitLearn() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/precision_recall_reference", withExtension: "json"))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let metrics = try Fixtures.decode(Source.self, from: "metrics_reference.json", nonFiniteAsNull: true)
        let curve = try PrecisionRecallCurve(labels: metrics.labels, scores: metrics.scores)
        // scikit-learn lists increasing thresholds and appends (1, 0); ours runs from the highest threshold down.
        let n = reference.thresholds.count
        #expect(curve.thresholds.count == n)
        #expect(Array(curve.thresholds.reversed()) == reference.thresholds)
        for i in 0..<n {
            #expect(abs(curve.precisions[n - 1 - i] - reference.precision[i]) < 1e-12)
            #expect(abs(curve.recalls[n - 1 - i] - reference.recall[i]) < 1e-12)
        }
        #expect(abs(curve.averagePrecision - reference.average_precision) < 1e-12)
        let all = try VerificationMetrics(labels: metrics.labels, scores: metrics.scores)
        #expect(abs(curve.averagePrecision - all.averagePrecision) < 1e-12)
    }

    @Test func singleClassIsATypedError() {
        #expect(throws: EvaluationError.self) { try PrecisionRecallCurve(labels: [1, 1], scores: [0.1, 0.2]) }
    }
}
