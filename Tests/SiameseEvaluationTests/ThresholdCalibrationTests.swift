import Foundation
import Testing
@testable import SiameseEvaluation
import SiameseTestSupport

@Suite struct ThresholdCalibrationTests {
    /// Rates of accepting pairs with score ≥ t (similarities) counted directly.
    static func rates(_ labels: [Int], _ scores: [Double], _ t: Double, greaterIsCloser: Bool) -> (far: Double, frr: Double) {
        let accepted = scores.map { greaterIsCloser ? $0 >= t : $0 <= t }
        let negatives = labels.filter { $0 == 0 }.count, positives = labels.count - negatives
        let fa = zip(labels, accepted).filter { $0 == 0 && $1 }.count, fr = zip(labels, accepted).filter { $0 == 1 && !$1 }.count
        return (Double(fa) / Double(negatives), Double(fr) / Double(positives))
    }

    /// The best-accuracy threshold is scikit-learn's best cut, halfway to the next score (reference fixture), for scores
    /// and for the same data as distances.
    @Test func bestAccuracyMatchesTheReference() throws {
        let r = try VerificationMetricsTests.reference()
        let t = try ThresholdCalibration.bestAccuracy(labels: r.labels, scores: r.scores, greaterIsCloser: true)
        #expect(abs(t.value - r.best_threshold_accuracy.midpoint_threshold) < 1e-9)
        let (far, frr) = Self.rates(r.labels, r.scores, t.value, greaterIsCloser: true)
        #expect(abs(t.falseAcceptRate - far) < 1e-12 && abs(t.falseRejectRate - frr) < 1e-12)
        let negatives = Double(r.labels.filter { $0 == 0 }.count), positives = Double(r.labels.count) - negatives
        #expect(abs(1 - (far * negatives + frr * positives) / Double(r.labels.count) - r.best_threshold_accuracy.accuracy) < 1e-12)
        let asDistances = try ThresholdCalibration.bestAccuracy(labels: r.labels, scores: r.scores.map { -$0 }, greaterIsCloser: false)
        #expect(abs(asDistances.value + r.best_threshold_accuracy.midpoint_threshold) < 1e-9)
        #expect(asDistances.falseAcceptRate == t.falseAcceptRate && asDistances.pairs == r.labels.count)
    }

    /// At a requested false-accept rate: the rate holds, and no threshold accepting more pairs would keep it.
    @Test(arguments: [0.0, 0.01, 0.05, 0.2, 0.5])
    func falseAcceptRateIsMetAndMaximal(target: Double) throws {
        let r = try VerificationMetricsTests.reference()
        let distances = r.scores.map { -$0 }
        let t = try ThresholdCalibration.atFalseAcceptRate(target, labels: r.labels, scores: distances, greaterIsCloser: false)
        let (far, frr) = Self.rates(r.labels, distances, t.value, greaterIsCloser: false)
        #expect(far <= target + 1e-12 && abs(far - t.falseAcceptRate) < 1e-12 && abs(frr - t.falseRejectRate) < 1e-12)
        // Brute force over every distinct score: none with more acceptances keeps the rate.
        let accepted = distances.filter { $0 <= t.value }.count
        for candidate in Set(distances) where distances.filter({ $0 <= candidate }).count > accepted {
            #expect(Self.rates(r.labels, distances, candidate, greaterIsCloser: false).far > target)
        }
    }

    @Test func equalErrorIsTheClosestCut() throws {
        let r = try VerificationMetricsTests.reference()
        let t = try ThresholdCalibration.equalError(labels: r.labels, scores: r.scores, greaterIsCloser: true)
        let gap = abs(t.falseAcceptRate - t.falseRejectRate)
        for candidate in Set(r.scores) {
            let (far, frr) = Self.rates(r.labels, r.scores, candidate, greaterIsCloser: true)
            #expect(abs(far - frr) >= gap - 1e-12)
        }
        // Close to the interpolated EER scikit-learn's curve gives.
        #expect(abs((t.falseAcceptRate + t.falseRejectRate) / 2 - r.eer.value) < 0.05)
    }

    @Test func badInputIsATypedError() {
        #expect(throws: EvaluationError.empty) { try ThresholdCalibration.bestAccuracy(labels: [], scores: [], greaterIsCloser: true) }
        #expect(throws: EvaluationError.nonFiniteScore(index: 1)) {
            try ThresholdCalibration.bestAccuracy(labels: [0, 1], scores: [0.1, .nan], greaterIsCloser: true)
        }
        #expect(throws: EvaluationError.singleClass(label: 1)) {
            try ThresholdCalibration.atFalseAcceptRate(0.1, labels: [1, 1], scores: [0.1, 0.2], greaterIsCloser: false)
        }
    }
}
