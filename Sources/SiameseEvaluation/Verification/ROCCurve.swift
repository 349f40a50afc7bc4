/// The receiver operating characteristic of scores against binary labels, with scikit-learn's conventions.
///
/// Label 1 is the positive class ("same identity"); a higher score means more likely positive; a pair is
/// predicted positive when `score >= threshold`. Points are ordered by decreasing threshold and start at
/// `(0, 0)` with threshold `+∞`.
public struct ROCCurve: Sendable, Equatable {
    /// False-positive rates.
    public let falsePositiveRates: [Double]
    /// True-positive rates.
    public let truePositiveRates: [Double]
    /// Decision thresholds (`+∞` first).
    public let thresholds: [Double]
    /// Positive and negative counts at each point (cumulative, before normalising).
    let truePositives: [Double], falsePositives: [Double]

    /// Builds the curve, as `sklearn.metrics.roc_curve`.
    ///
    /// - Parameter dropIntermediate: drop points on straight segments (scikit-learn's default), which does
    ///   not change the area.
    /// - Throws: ``EvaluationError`` for mismatched lengths, NaN scores, or a single class.
    public init(labels: [Int], scores: [Double], dropIntermediate: Bool = true) throws {
        try EvaluationError.validate(labels: labels, scores: scores)
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tps: [Double] = [], fps: [Double] = [], thr: [Double] = []
        var tp = 0.0, fp = 0.0
        for (k, i) in order.enumerated() {
            if labels[i] == 1 { tp += 1 } else { fp += 1 }
            // One point per distinct score: after its last occurrence.
            if k == order.count - 1 || scores[order[k + 1]] != scores[i] {
                tps.append(tp); fps.append(fp); thr.append(scores[i])
            }
        }
        if dropIntermediate && tps.count > 2 {
            var keep = [0]
            for i in 1..<(tps.count - 1) {
                let d2fp = fps[i + 1] - 2 * fps[i] + fps[i - 1], d2tp = tps[i + 1] - 2 * tps[i] + tps[i - 1]
                if d2fp != 0 || d2tp != 0 { keep.append(i) }
            }
            keep.append(tps.count - 1)
            tps = keep.map { tps[$0] }; fps = keep.map { fps[$0] }; thr = keep.map { thr[$0] }
        }
        truePositives = [0] + tps
        falsePositives = [0] + fps
        thresholds = [.infinity] + thr
        let p = tp, n = fp
        truePositiveRates = truePositives.map { $0 / p }
        falsePositiveRates = falsePositives.map { $0 / n }
    }

    /// Area under the curve by the trapezoidal rule; equals the Mann–Whitney statistic with ties counted ½.
    public var area: Double {
        var a = 0.0
        for i in 1..<thresholds.count {
            a += (falsePositiveRates[i] - falsePositiveRates[i - 1]) * (truePositiveRates[i] + truePositiveRates[i - 1]) / 2
        }
        return a
    }
}
