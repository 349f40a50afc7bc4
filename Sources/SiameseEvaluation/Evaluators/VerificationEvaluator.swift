import SiameseCore
import SiameseData

/// Verification ("same or different?") on labelled pairs of items: ROC-AUC, equal error rate and average
/// precision over all pairs; a best-accuracy threshold chosen on the first half of the pairs and the accuracy
/// it gives on the second half; thresholds for requested false-accept rates. Primary metric: ROC-AUC.
///
/// Scores come from an injectable ``Distance`` (default Euclidean, without normalising), so similarities
/// (cosine) work too: their thresholds accept pairs at or above the value. Follows sentence-transformers'
/// `BinaryClassificationEvaluator` in spirit, with scikit-learn's metric definitions.
public struct VerificationEvaluator: Evaluator {
    public let name = "verification"
    public let primaryMetric = "rocAUC"
    public let greaterIsBetter = true
    /// The pairs, by item index.
    public let pairs: [BalancedPairSampler.Pair]
    public let itemCount: Int
    public let distance: any Distance
    /// False-accept rates to report operating thresholds for.
    public let falseAcceptRates: [Double]

    /// Evaluates given pairs over `itemCount` items.
    public init(pairs: [BalancedPairSampler.Pair], itemCount: Int, distance: any Distance = LpDistance(normalizeEmbeddings: false),
                falseAcceptRates: [Double] = [0.01, 0.001]) throws {
        guard pairs.count >= 4 else { throw EvaluationError.empty }
        guard pairs.allSatisfy({ max($0.first, $0.second) < itemCount && min($0.first, $0.second) >= 0 }) else {
            throw EvaluationError.lengthMismatch(labels: itemCount, scores: pairs.count)
        }
        self.pairs = pairs; self.itemCount = itemCount; self.distance = distance; self.falseAcceptRates = falseAcceptRates
    }

    /// Draws `count` balanced pairs (half same-class) over items with these labels, seeded.
    public init(labels: [Int], pairs count: Int, seed: UInt64, distance: any Distance = LpDistance(normalizeEmbeddings: false),
                falseAcceptRates: [Double] = [0.01, 0.001]) throws {
        var g = SeededGenerator(seed: seed)
        let drawn = try BalancedPairSampler(labels: labels).pairs(count, generator: &g)
        try self.init(pairs: drawn, itemCount: labels.count, distance: distance, falseAcceptRates: falseAcceptRates)
    }

    /// The scores of every pair (distances, or similarities for an inverted distance).
    public func scores(_ embeddings: Tensor) -> [Double] {
        distance.pairwise(embeddings.indexSelect(axis: 0, pairs.map(\.first)), embeddings.indexSelect(axis: 0, pairs.map(\.second)))
            .scalars.map(Double.init)
    }

    public func evaluate(embeddings: Tensor) throws -> EvaluationResult {
        try validate(embeddings)
        let s = scores(embeddings), same = pairs.map { $0.same ? 1 : 0 }
        let closer = distance.isInverted
        let all = try VerificationMetrics(labels: same, scores: closer ? s : s.map { -$0 })
        let half = pairs.count / 2
        let chosen = try ThresholdCalibration.bestAccuracy(labels: Array(same[..<half]), scores: Array(s[..<half]), greaterIsCloser: closer)
        let held = zip(s[half...], same[half...])
        let accuracy = Double(held.filter { chosen.accepts($0, greaterIsCloser: closer) == ($1 == 1) }.count) / Double(pairs.count - half)
        var thresholds = [chosen]
        for rate in falseAcceptRates {
            thresholds.append(try ThresholdCalibration.atFalseAcceptRate(rate, labels: same, scores: s, greaterIsCloser: closer))
        }
        return EvaluationResult(evaluator: name, metrics: [
            "rocAUC": all.rocAUC, "equalErrorRate": all.equalErrorRate, "averagePrecision": all.averagePrecision,
            "accuracy": accuracy, "threshold": chosen.value, "pairs": Double(pairs.count),
        ], primaryMetric: primaryMetric, greaterIsBetter: greaterIsBetter, thresholds: thresholds)
    }
}
