/// Precision and recall of scores against binary labels at every distinct threshold, with scikit-learn's
/// conventions (`sklearn.metrics.precision_recall_curve`, `average_precision_score`).
///
/// Label 1 is positive; a pair is predicted positive when `score >= threshold`. Points run from the highest
/// threshold (fewest accepted) to the lowest (recall 1). Average precision is Σ (Rₙ − Rₙ₋₁) · Pₙ over these
/// points with R₀ = 0, without interpolation, the value ``VerificationMetrics/averagePrecision`` reports.
public struct PrecisionRecallCurve: Sendable, Equatable {
    public let precisions: [Double]
    public let recalls: [Double]
    /// The threshold of each point (decreasing).
    public let thresholds: [Double]
    public let averagePrecision: Double

    /// - Throws: ``EvaluationError`` for mismatched lengths, NaN scores, or a single class.
    public init(labels: [Int], scores: [Double]) throws {
        let roc = try ROCCurve(labels: labels, scores: scores, dropIntermediate: false)
        var p: [Double] = [], r: [Double] = [], t: [Double] = [], ap = 0.0
        for i in 1..<roc.thresholds.count {
            let precision = roc.truePositives[i] / (roc.truePositives[i] + roc.falsePositives[i])
            ap += (roc.truePositiveRates[i] - roc.truePositiveRates[i - 1]) * precision
            p.append(precision); r.append(roc.truePositiveRates[i]); t.append(roc.thresholds[i])
        }
        precisions = p; recalls = r; thresholds = t; averagePrecision = ap
    }
}
