import Foundation
import Testing
@testable import SiameseEvaluation
import SiameseTestSupport

@Suite struct VerificationMetricsTests {
    struct Reference: Decodable {
        struct EER: Decodable { let value: Double; let threshold: Double }
        struct Best: Decodable { let accuracy: Double; let threshold_score_ge: Double; let midpoint_threshold: Double }
        struct Curve: Decodable { let fpr: [Double]; let tpr: [Double]; let thresholds: [Double?] }
        let labels: [Int]; let scores: [Double]
        let roc_auc_score: Double; let average_precision_score: Double
        let eer: EER; let best_threshold_accuracy: Best; let roc_curve_default: Curve
    }

    static func reference() throws -> Reference {
        // The fixture writes +∞ as the JSON token Infinity; map it to null for JSONDecoder.
        try Fixtures.decode(Reference.self, from: "metrics_reference.json", nonFiniteAsNull: true)
    }

    @Test func matchesScikitLearn() throws {
        let r = try Self.reference()
        let m = try VerificationMetrics(labels: r.labels, scores: r.scores)
        #expect(Swift.abs(m.rocAUC - r.roc_auc_score) < 1e-12)
        #expect(Swift.abs(m.averagePrecision - r.average_precision_score) < 1e-12)
        #expect(Swift.abs(m.equalErrorRate - r.eer.value) < 1e-9)
        #expect(Swift.abs(m.equalErrorThreshold - r.eer.threshold) < 1e-9)
        #expect(Swift.abs(m.bestAccuracy - r.best_threshold_accuracy.accuracy) < 1e-12)
        #expect(Swift.abs(m.bestThreshold - r.best_threshold_accuracy.threshold_score_ge) < 1e-12)
        #expect(Swift.abs(m.bestMidpointThreshold - r.best_threshold_accuracy.midpoint_threshold) < 1e-9)
    }

    @Test func rocCurveMatchesScikitLearnPointForPoint() throws {
        let r = try Self.reference()
        let c = try ROCCurve(labels: r.labels, scores: r.scores)
        #expect(c.falsePositiveRates.count == r.roc_curve_default.fpr.count)
        #expect(zip(c.falsePositiveRates, r.roc_curve_default.fpr).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
        #expect(zip(c.truePositiveRates, r.roc_curve_default.tpr).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
        #expect(zip(c.thresholds.dropFirst(), r.roc_curve_default.thresholds.dropFirst()).allSatisfy { Swift.abs($0 - $1!) < 1e-12 })
    }

    @Test func tiesCountHalf() throws {
        // One positive and one negative with the same score: AUC = ½.
        #expect(try VerificationMetrics(labels: [1, 0], scores: [0.5, 0.5]).rocAUC == 0.5)
        #expect(try VerificationMetrics(labels: [1, 0, 1, 0], scores: [0.9, 0.1, 0.8, 0.2]).rocAUC == 1)
    }

    @Test func distancesAreNegated() throws {
        let m = try VerificationMetrics.fromDistances(labels: [1, 1, 0, 0], distances: [0.1, 0.2, 0.8, 0.9])
        #expect(m.rocAUC == 1 && m.bestAccuracy == 1)
        #expect(m.bestThreshold == 0.2)
        #expect(Swift.abs(m.bestMidpointThreshold - 0.5) < 1e-12)
    }

    @Test func badInputIsRejected() {
        #expect(throws: EvaluationError.lengthMismatch(labels: 2, scores: 1)) { try VerificationMetrics(labels: [0, 1], scores: [1]) }
        #expect(throws: EvaluationError.empty) { try VerificationMetrics(labels: [], scores: []) }
        #expect(throws: EvaluationError.nonFiniteScore(index: 1)) { try VerificationMetrics(labels: [0, 1], scores: [1, .nan]) }
        #expect(throws: EvaluationError.singleClass(label: 1)) { try VerificationMetrics(labels: [1, 1], scores: [1, 2]) }
        #expect(throws: EvaluationError.invalidLabel(index: 0, value: 2)) { try VerificationMetrics(labels: [2, 1], scores: [1, 2]) }
    }
}
