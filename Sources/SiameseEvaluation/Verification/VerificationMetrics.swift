/// Verification metrics of a same/different decision from scores: ROC-AUC, average precision, equal error
/// rate and the accuracy-maximising threshold, matching scikit-learn.
///
/// Scores must grow with similarity; for a distance, pass its negation (``init(labels:distances:)``).
public struct VerificationMetrics: Sendable, Equatable {
    /// Area under the ROC curve.
    public let rocAUC: Double
    /// Average precision: Σ (Rₙ − Rₙ₋₁) · Pₙ over decreasing thresholds, without interpolation.
    public let averagePrecision: Double
    /// Equal error rate, interpolated where the false-negative and false-positive rates cross.
    public let equalErrorRate: Double
    /// The score threshold at the equal error rate (interpolated the same way).
    public let equalErrorThreshold: Double
    /// The best accuracy over all thresholds (predict positive iff score ≥ threshold).
    public let bestAccuracy: Double
    /// The highest threshold reaching ``bestAccuracy``.
    public let bestThreshold: Double
    /// Halfway between ``bestThreshold`` and the next lower distinct score: the same accuracy, a safer cut.
    public let bestMidpointThreshold: Double

    /// Computes every metric.
    /// - Throws: ``EvaluationError`` for empty, mismatched, non-finite or single-class input.
    public init(labels: [Int], scores: [Double]) throws {
        let curve = try ROCCurve(labels: labels, scores: scores)
        let full = try ROCCurve(labels: labels, scores: scores, dropIntermediate: false)
        rocAUC = full.area
        let positives = full.truePositives.last!, negatives = full.falsePositives.last!
        var ap = 0.0
        for i in 1..<full.thresholds.count {
            let precision = full.truePositives[i] / (full.truePositives[i] + full.falsePositives[i])
            ap += (full.truePositiveRates[i] - full.truePositiveRates[i - 1]) * precision
        }
        averagePrecision = ap
        (equalErrorRate, equalErrorThreshold) = Self.equalError(curve)
        var best = -1.0, bestIndex = 0
        for i in 0..<full.thresholds.count {
            let accuracy = (full.truePositives[i] + negatives - full.falsePositives[i]) / (positives + negatives)
            if accuracy > best { best = accuracy; bestIndex = i }
        }
        bestAccuracy = best
        bestThreshold = full.thresholds[bestIndex]
        if bestIndex + 1 < full.thresholds.count {
            bestMidpointThreshold = bestThreshold.isFinite ? (bestThreshold + full.thresholds[bestIndex + 1]) / 2 : bestThreshold
        } else {
            bestMidpointThreshold = bestThreshold - 1
        }
    }

    /// Metrics for distances, where smaller means more alike: scores are the negated distances, and the
    /// thresholds are reported as distances again (same iff distance ≤ threshold).
    public static func fromDistances(labels: [Int], distances: [Double]) throws -> VerificationMetrics {
        let m = try VerificationMetrics(labels: labels, scores: distances.map { -$0 })
        return VerificationMetrics(m, negatingThresholds: true)
    }

    private init(_ m: VerificationMetrics, negatingThresholds: Bool) {
        rocAUC = m.rocAUC; averagePrecision = m.averagePrecision; equalErrorRate = m.equalErrorRate
        bestAccuracy = m.bestAccuracy
        equalErrorThreshold = -m.equalErrorThreshold; bestThreshold = -m.bestThreshold
        bestMidpointThreshold = -m.bestMidpointThreshold
    }

    static func equalError(_ c: ROCCurve) -> (Double, Double) {
        let diff = zip(c.truePositiveRates, c.falsePositiveRates).map { 1 - $0 - $1 }
        guard let i = diff.firstIndex(where: { $0 <= 0 }) else { return (1, c.thresholds.last!) }
        if diff[i] == 0 || i == 0 { return (c.falsePositiveRates[i], c.thresholds[i]) }
        let t = diff[i - 1] / (diff[i - 1] - diff[i])
        let eer = c.falsePositiveRates[i - 1] + t * (c.falsePositiveRates[i] - c.falsePositiveRates[i - 1])
        let lo = c.thresholds[i - 1], hi = c.thresholds[i]
        let threshold = lo.isFinite ? lo + t * (hi - lo) : hi
        return (eer, threshold)
    }
}
